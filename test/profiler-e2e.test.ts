// End to end through the real CLI: a deliberately unbalanced PHOLD (configs/phold.ts, instantiation
// `unbalanced4`: one instance holds 4× the components of each other one) is run with --profile,
// then `splitsim profile` must name that instance as the bottleneck, and every instance that waits
// for it must wait for it more than for anyone else. A balanced PHOLD (`linear2`: two equal
// instances, as many as CI's 2 cores, so that no instance is slowed by a lack of cores) must
// show no outlier. Skipped only while configs/phold.ts does not exist.
//
// PHOLD's defaults (8 events per node) leave so little work per lookahead window that every
// instance spends ~90 % of its time waiting for sync messages, the loaded one included: the run is
// bound by synchronization latency, and no instance stands out. With 500 events per node the work
// dominates, as in the simulations the profiler is for; 400 µs of simulated time give a few
// seconds of steady state, enough for shares that do not depend on one garbage collection.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import type { WtpgJson } from '@splitsim/profiler';

// Every temporary directory of this file lives under one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-profiler-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'packages/splitsim/bin/splitsim.js');
const phold = join(root, 'configs/phold.ts');
const skip = existsSync(phold) ? false : 'configs/phold.ts does not exist yet (the runtime issue adds it with the unbalanced4 instantiation)';

function splitsim(...args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `splitsim ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function profiled(inst: string): { dir: string; wtpg: WtpgJson; text: string; plan: { instances: { name: string; components: unknown[] }[] } } {
  const dir = join(mkdtempSync(join(scratch, `splitsim-e2e-${inst}-`)), 'run');
  splitsim('run', 'configs/phold.ts', '--inst', inst, '--set', 'population=500', '--until', '400us', '--profile', '50ms', '--out', dir, '--quiet');
  assert.ok(existsSync(join(dir, 'profile')), `${dir}/profile exists after a run with --profile`);
  const { stdout } = splitsim('profile', dir);
  const wtpg = JSON.parse(readFileSync(join(dir, 'wtpg.json'), 'utf8')) as WtpgJson;
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
  for (const f of ['wtpg.dot', 'wtpg.svg', 'wtpg.html']) assert.ok(existsSync(join(dir, f)), f);
  return { dir, wtpg, text: stdout, plan };
}

test('unbalanced PHOLD: the instance with 4× the components is the bottleneck, and its neighbours wait most for it', { skip, timeout: 240_000 }, () => {
  const { wtpg, text, plan } = profiled('unbalanced4');
  const loaded = [...plan.instances].sort((a, b) => b.components.length - a.components.length)[0]!.name;
  assert.deepEqual(wtpg.bottlenecks, [loaded], text);
  const graph = MultiDirectedGraph.from(wtpg);
  const lowest = graph.nodes().sort((a, b) => graph.getNodeAttribute(a, 'waitShare') - graph.getNodeAttribute(b, 'waitShare'))[0];
  assert.equal(lowest, loaded, 'lowest wait share');
  for (const n of graph.inNeighbors(loaded)) {
    let best = '';
    let share = -1;
    graph.forEachOutEdge(n, (_e, a, _s, t) => {
      if ((a.waitShare as number) > share) [share, best] = [a.waitShare as number, t];
    });
    assert.equal(best, loaded, `${n}'s largest edge points to ${loaded}:\n${text}`);
  }
  assert.match(text, new RegExp(`bottleneck +${loaded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: waits`));
  assert.match(text, /split /);
});

test('balanced PHOLD: no instance stands out', { skip, timeout: 240_000 }, () => {
  // Other processes on a 2-core machine can take a core from one instance for a while, and time
  // without a core counts as busy: that instance then looks like a bottleneck, truly but not
  // because of the partition. One more run tells such an accident from a real imbalance.
  const texts: string[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const { wtpg, text } = profiled('linear2');
    texts.push(text);
    if (wtpg.balanced) {
      assert.deepEqual(wtpg.bottlenecks, [], text);
      return;
    }
  }
  assert.fail(`linear2 showed an outlier in two runs:\n${texts.join('\n')}`);
});
