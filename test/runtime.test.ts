/**
 * The parallel runtime's ways of ending a run: a component's ctx.stop(), queues that empty on
 * their own (termination detection, also around a cycle of channels), and the profile log it
 * writes on the way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instantiate, manual, type Plan } from '@splitsim/instantiation';
import { runParallel, completed, runSequential } from '@splitsim/runtime';
import { System } from '@splitsim/system';
import phold from '../configs/phold.ts';

const root = join(import.meta.dirname, '..');
const models = [{ kind: 'source', model: 'source.poisson' }, { kind: 'server', model: 'server.fifo' }, { kind: 'sink', model: 'sink.latency' }];

/** Source → 2-server station → sink; the sink may stop the run after some jobs. */
function queue(partition: Record<string, string[]>, sink: Record<string, unknown> = {}, jobs = 2000): Plan {
  const system = new System('queue');
  const source = system.add('source', 'source', { rate: 90, jobs });
  const server = system.add('server', 'server', { servers: 2, rate: 50 });
  const out = system.add('sink', 'sink', sink);
  system.link(source.port('out'), server.port('in'), { latency: '1us' });
  system.link(server.port('out'), out.port('in'), { latency: '1us' });
  return instantiate(system, { models, partition: manual(partition) }, { config: 'queue', instantiation: 'test', seed: 9 });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

test('a stop by a component is exact when no other instance ran past it', async () => {
  // The sink shares an instance with the source; the server's instance waits on both, so it is
  // never more than one lookahead ahead, and no server event falls in that window.
  const plan = queue({ edge: ['source', 'sink'], middle: ['server'] }, { stopAfter: 500 });
  const seq = completed(runSequential(plan));
  assert.equal(seq.result.reason, 'stopped');
  for (const placement of ['thread', 'process'] as const) {
    const par = await runParallel(plan, { placement });
    assert.equal(par.status, 'completed');
    assert.deepEqual(par.result, seq.result);
    assert.equal(par.stopExact, true);
    assert.ok(same(par.metrics, seq.metrics), `${placement}: statistics identical to one engine`);
  }
});

test('a stop after another instance ran past it ends the run at the same point, marked inexact', async () => {
  // The source and server run freely ahead of the sink, which only receives.
  const plan = queue({ front: ['source', 'server'], back: ['sink'] }, { stopAfter: 300 });
  const seq = completed(runSequential(plan));
  const par = await runParallel(plan, { placement: 'thread' });
  const { reason, now, message } = par.result;
  assert.deepEqual({ reason, now, message }, { reason: seq.result.reason, now: seq.result.now, message: seq.result.message }, 'same reason, time and message');
  assert.equal(par.stopExact, false);
  assert.match(par.log.join('\n'), /warning: instance front had run to .* past the stop point/);
  const sink = (m: typeof seq.metrics | null) => m!.find((c) => c.path === 'sink');
  assert.deepEqual(sink(par.metrics), sink(seq.metrics), 'the stopping instance itself is exact');
});

test('queues that empty around a cycle of channels end the run (termination detection)', async () => {
  // edge → middle → edge: each instance waits on the other; when the jobs are done both are idle.
  const plan = queue({ edge: ['source', 'sink'], middle: ['server'] }, {}, 400);
  const seq = completed(runSequential(plan));
  assert.equal(seq.result.reason, 'empty');
  const par = await runParallel(plan, { placement: 'thread' });
  assert.deepEqual(par.result, seq.result);
  assert.ok(same(par.metrics, seq.metrics));
  // PHOLD with no events at all, four instances joined in a mesh, no end time.
  const p = phold.params.parse({ n: 16, population: 0 });
  const system = phold.system(p);
  const empty = instantiate(system, phold.instantiations.linear4!(system, p), { config: 'phold', instantiation: 'linear4', seed: 1 });
  const none = await runParallel(empty, { placement: 'thread' });
  assert.deepEqual(none.result, { reason: 'empty', now: 0, events: 0 });
});

test('profile logs: one line per interval and a final line, in format version 2, counters cumulative', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'splitsim-prof-')), 'run');
  const r = spawnSync(process.execPath, [join(root, 'packages/splitsim/bin/splitsim.js'), 'run', 'configs/phold.ts', '--inst', 'unbalanced4', '--set', 'n=56', '--until', '3ms', '--profile', '50ms', '--out', out, '-q'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
  assert.deepEqual(readdirSync(join(out, 'profile')).sort(), ['i0.jsonl', 'i1.jsonl', 'i2.jsonl', 'i3.jsonl']);
  assert.equal(plan.instances[0].components.length, 4 * plan.instances[1].components.length);
  for (const inst of plan.instances) {
    const lines = readFileSync(join(out, 'profile', `${inst.name}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const last = lines.at(-1);
    assert.equal(last.final, true);
    assert.equal(last.status, 'completed');
    assert.equal(last.simPs, 3e9);
    assert.ok(lines.slice(0, -1).every((l) => l.final === false && !('status' in l)));
    const mine = plan.channels.filter((c: any) => c.a === inst.id || c.b === inst.id);
    let prev: any = null;
    for (const l of lines) {
      assert.deepEqual(Object.keys(l), ['v', 'instance', 'wallNs', 'startNs', 'simPs', 'events', 'channels', 'cores', 'placement', 'components', 'models', 'links', ...('cpuNs' in l ? ['cpuNs', 'runqueueNs'] : []), 'final', ...(l.final ? ['status'] : [])]);
      assert.equal(l.v, 2);
      assert.deepEqual(l.components.ids, inst.components);
      assert.equal(l.components.events.reduce((a: number, b: number) => a + b, 0) + l.components.extra.reduce((a: number, b: number) => a + b, 0), l.events);
      assert.equal(l.instance, inst.name);
      assert.ok(Number.isInteger(l.wallNs) && l.wallNs >= l.startNs);
      assert.deepEqual(l.channels.map((c: any) => c.channel), mine.map((c: any) => c.name));
      for (const c of l.channels) {
        assert.deepEqual(Object.keys(c), ['channel', 'peer', 'waitNs', 'rxNs', 'txNs', 'syncNs', 'rxMsgs', 'txMsgs', 'syncMsgs', 'txBytes']);
        assert.ok(Object.values(c).slice(2).every((v) => Number.isSafeInteger(v) && (v as number) >= 0));
      }
      if (prev) {
        assert.ok(l.wallNs >= prev.wallNs && l.events >= prev.events && l.simPs >= prev.simPs);
        l.channels.forEach((c: any, k: number) => {
          for (const key of ['waitNs', 'rxNs', 'txNs', 'syncNs', 'rxMsgs', 'txMsgs', 'syncMsgs', 'txBytes']) assert.ok(c[key] >= prev.channels[k][key], key);
        });
      }
      prev = l;
    }
    assert.ok(last.channels.some((c: any) => c.txMsgs > 0 && c.rxMsgs > 0));
  }
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const total = plan.instances.reduce((s: number, i: any) => s + JSON.parse(readFileSync(join(out, 'profile', `${i.name}.jsonl`), 'utf8').trim().split('\n').at(-1)!).events, 0);
  assert.equal(total, metrics.totals.events, 'the final lines count every event');
});

test('instances also start through tsx (no bundle), in threads and processes', () => {
  for (const placement of ['thread', 'process']) {
    const out = join(mkdtempSync(join(tmpdir(), 'splitsim-tsx-')), 'run');
    const r = spawnSync(process.execPath, [join(root, 'packages/splitsim/bin/splitsim.js'), 'run', 'configs/phold.ts', '--inst', 'linear2', '--placement', placement, '--set', 'n=8', '--until', '20us', '--out', out, '-q'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SPLITSIM_INSTANCE_LOADER: 'tsx' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'completed');
  }
});
