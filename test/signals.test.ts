/**
 * Whatever stops a run, the run directory says so. SIGINT, SIGTERM and SIGHUP to the coordinator,
 * in-process (one instance), with threads and with processes, during start-up and mid-run, and a
 * double SIGINT: each ends with the signal's exit code (130, 143, 129), a complete run.json
 * (`interrupted`, the signal, the simulated time reached, the files kept), plan.json and run.log,
 * no lock, no socket directory and no instance process left. `kill -9` of the coordinator
 * leaves plan.json, a `running` run.json and the log so far, and no orphan. Timings are measured
 * by scripts/stress-faults.sh (50 trials each), never asserted here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ended, gone, instancePids, outDir, profiling, readJson, running, sleep, socketDirs, startRun, until } from './support/cli-run.ts';

const EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Sig = keyof typeof EXIT;
type Placement = 'inline' | 'thread' | 'process';

/** A PHOLD run far longer than any test waits: 64 nodes, one instance or two. */
function args(placement: Placement, out: string): string[] {
  const a = ['configs/phold.ts', '--until', '10s', '--out', out, '--quiet'];
  // Thread and process runs profile, so that a line in a profile log shows an instance is running events.
  return placement === 'inline' ? a : [...a, '--inst', 'linear2', '--placement', placement, '--profile', '50ms'];
}

/** What every interrupted run leaves, whenever the signal came. */
async function checkInterrupted(run: ReturnType<typeof startRun>, out: string, sig: Sig) {
  const { code } = await run.exited;
  assert.equal(code, EXIT[sig], run.output().stderr);
  const info = readJson(join(out, 'run.json'));
  assert.equal(info.status, 'interrupted');
  assert.equal(info.signal, sig);
  assert.equal(info.stopReason, 'interrupted');
  assert.equal(typeof info.simulatedTime, 'number');
  assert.ok(info.ended, 'run.json is the final one');
  for (const f of ['plan.json', 'run.json', 'run.log']) assert.ok(info.files.includes(f), `run.json lists ${f}`);
  assert.equal(readJson(join(out, 'plan.json')).config, 'phold');
  assert.match(readFileSync(join(out, 'run.log'), 'utf8'), new RegExp(`interrupted \\(${sig}\\)`));
  assert.equal(existsSync(join(out, '.splitsim-lock')), false, 'the lock is given back');
  assert.deepEqual(socketDirs(run.tmp), [], 'no socket directory left');
  assert.deepEqual(await gone(instancePids(out).values()), [], 'no instance process left');
  return info;
}

// Each test mostly waits on a child process: two at a time halve the wall time on a 2-core machine.
describe('signals to the coordinator', { concurrency: 2 }, () => {
  // Every signal meets every placement once, mid-run or during start-up (a Latin square: the
  // handling is one code path; scripts/stress-faults.sh runs more combinations, many times).
  const midRun: Array<[Sig, Placement]> = [['SIGINT', 'inline'], ['SIGTERM', 'thread'], ['SIGHUP', 'process']];
  for (const [sig, placement] of midRun) {
    test(`${sig} mid-run (${placement}): interrupted, statistics so far kept`, async () => {
      const out = outDir();
      const run = startRun(args(placement, out));
      if (placement === 'inline') {
        await until(running(out), 'run.json');
        await sleep(300);
      } else await until(profiling(out, 'i1'), 'a profile line');
      run.signal(sig);
      const info = await checkInterrupted(run, out, sig);
      const metrics = readJson(join(out, 'metrics.json'));
      assert.equal(metrics.totals.stopReason, 'interrupted');
      assert.equal(metrics.components.length, 64);
      assert.ok(metrics.totals.events > 0);
      assert.equal(info.simulatedTime, metrics.totals.simulatedTime);
      assert.ok(info.files.includes('metrics.json'));
    });
  }

  const startUp: Array<[Sig, Placement]> = [['SIGINT', 'process'], ['SIGTERM', 'inline'], ['SIGHUP', 'thread']];
  for (const [sig, placement] of startUp) {
    test(`${sig} during start-up (${placement}): an interruption, not a failure`, async () => {
      const out = outDir();
      const run = startRun(args(placement, out));
      await until(running(out), 'run.json');
      run.signal(sig);
      const info = await checkInterrupted(run, out, sig);
      // Statistics only if every instance had started and reported; never a part of them.
      if (existsSync(join(out, 'metrics.json'))) assert.equal(readJson(join(out, 'metrics.json')).components.length, 64);
      else assert.ok(!info.files.includes('metrics.json'));
    });
  }

  test('a second SIGINT ends the run at once, and run.json is still complete', async () => {
    const out = outDir();
    const run = startRun(args('process', out));
    await until(profiling(out, 'i1'), 'a profile line');
    run.signal('SIGINT');
    await sleep(20);
    run.signal('SIGINT');
    await checkInterrupted(run, out, 'SIGINT');
    // Whatever was written is whole: every JSON file parses.
    for (const f of ['plan.json', 'run.json', 'metrics.json']) if (existsSync(join(out, f))) readJson(join(out, f));
  });

  test('a second SIGINT while the outputs are written leaves every file whole', async () => {
    const out = outDir();
    const run = startRun(args('thread', out));
    await until(profiling(out, 'i1'), 'a profile line');
    run.signal('SIGINT');
    await until(ended(out), 'the final run.json');
    try {
      run.signal('SIGINT');
    } catch {
      // already gone: the outputs were quicker than the signal
    }
    await checkInterrupted(run, out, 'SIGINT');
    for (const f of ['plan.json', 'run.json', 'metrics.json', 'wtpg.json']) if (existsSync(join(out, f))) readJson(join(out, f));
  });

  test('kill -9 of the coordinator leaves plan.json, a running run.json, the log so far, and no orphan', async () => {
    const out = outDir();
    const run = startRun(args('process', out));
    await until(profiling(out, 'i1'), 'a profile line');
    const pids = instancePids(out);
    assert.equal(pids.size, 2);
    run.signal('SIGKILL');
    const { signal } = await run.exited;
    assert.equal(signal, 'SIGKILL');
    const info = readJson(join(out, 'run.json'));
    assert.equal(info.status, 'running');
    assert.equal(info.pid, run.pid);
    assert.equal(readJson(join(out, 'plan.json')).instances.length, 2);
    assert.match(readFileSync(join(out, 'run.log'), 'utf8'), /instance i1: process pid \d+/);
    // The instances notice their parent is gone and exit.
    assert.deepEqual(await gone(pids.values()), [], 'no orphan instance process');
    assert.deepEqual(socketDirs(run.tmp), [], 'no socket directory left');
  });
});
