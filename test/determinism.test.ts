/**
 * Determinism across partitions and placements: the same plan gives the same metrics.json bytes
 * in one engine, in 1, 2, 4 and 8 worker threads, and in 2, 4 and 8 child processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instantiate, linear, type Plan } from '@splitsim/instantiation';
import { runParallel, completed, runSequential, writeRunDirectory, type RunRecord } from '@splitsim/runtime';
import phold from '../configs/phold.ts';
import mmc from '../configs/mmc.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');

function pholdPlan(inst: string, seed = 1): Plan {
  const p = phold.params.parse({ n: 64, population: 4, remote: 0.3 });
  const system = phold.system(p);
  return instantiate(system, phold.instantiations[inst]!(system, p), { config: 'phold', instantiation: inst, seed });
}

function mmcPlan(): Plan {
  const p = mmc.params.parse({ jobs: 3000, latency: '5ms' });
  const system = mmc.system(p);
  return instantiate(system, mmc.instantiations.split!(system, p), { config: 'mmc', instantiation: 'split', seed: 3 });
}

/** metrics.json as written to a run directory. */
function metricsBytes(run: Omit<RunRecord, 'log' | 'wallSeconds' | 'status'>): string {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-det-'));
  writeRunDirectory(dir, { ...run, wallSeconds: 1, status: 'completed', log: [] });
  return readFileSync(join(dir, 'metrics.json'), 'utf8');
}

const sequential = (plan: Plan, until?: number) => {
  const r = completed(runSequential(plan, until === undefined ? {} : { until }));
  return metricsBytes({ plan, result: r.result, metrics: r.metrics });
};

const parallel = async (plan: Plan, placement: 'thread' | 'process', until?: number) => {
  const r = await runParallel(plan, { placement, ...(until === undefined ? {} : { until }) });
  assert.equal(r.status, 'completed', r.failure?.message);
  return metricsBytes({ plan, result: r.result, metrics: r.metrics });
};

const UNTIL = 150_000_000; // 150 µs: about 25 000 PHOLD events

test('PHOLD: metrics.json is identical in one engine and in 1, 2, 4 and 8 threads', async () => {
  const reference = sequential(pholdPlan('linear1'), UNTIL);
  assert.match(reference, /"stopReason": "until"/);
  for (const inst of ['linear1', 'linear2', 'linear4', 'linear8']) {
    assert.equal(await parallel(pholdPlan(inst), 'thread', UNTIL), reference, `${inst} in threads`);
  }
  // The comparison can fail: another seed gives other bytes.
  assert.notEqual(sequential(pholdPlan('linear1', 2), UNTIL), reference);
});

test('PHOLD: metrics.json is identical in 2, 4 and 8 child processes, and with threads and processes mixed', async () => {
  const reference = sequential(pholdPlan('linear1'), UNTIL);
  for (const inst of ['linear2', 'linear4', 'linear8']) {
    assert.equal(await parallel(pholdPlan(inst), 'process', UNTIL), reference, `${inst} in processes`);
  }
  // Threads i0 and i2, processes i1 and i3: rings between nothing, sockets between everything.
  const p = phold.params.parse({ n: 64, population: 4, remote: 0.3 });
  const system = phold.system(p);
  const mixed = instantiate(system, { partition: linear(4), placement: ({ index }) => (index % 2 === 0 ? 'thread' : 'process') }, { config: 'phold', instantiation: 'linear4', seed: 1 });
  const r = await runParallel(mixed, { until: UNTIL });
  assert.equal(r.status, 'completed');
  assert.equal(metricsBytes({ plan: mixed, result: r.result, metrics: r.metrics }), reference, 'mixed placement');
});

test('M/M/c joined across two instances by a link with latency: identical to one engine, threads and processes', async () => {
  const plan = mmcPlan();
  assert.equal(plan.instances.length, 2);
  assert.equal(plan.channels.length, 1);
  // Run until the queue empties, and to an end time.
  const reference = sequential(plan);
  assert.match(reference, /"stopReason": "empty"/);
  assert.equal(await parallel(plan, 'thread'), reference);
  assert.equal(await parallel(plan, 'process'), reference);
  const cut = sequential(plan, 10e12);
  assert.match(cut, /"stopReason": "until"/);
  assert.equal(await parallel(plan, 'process', 10e12), cut);
});

test('splitsim run writes the same metrics.json for linear1 in one engine and linear4 in processes', () => {
  const base = mkdtempSync(join(tmpdir(), 'splitsim-det-cli-'));
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'run', 'configs/phold.ts', '--set', 'n=32', '--until', '100us', '--seed', '5', '-q', ...args], { cwd: root, encoding: 'utf8' });
  const one = run('--inst', 'linear1', '--out', join(base, 'one'));
  assert.equal(one.status, 0, one.stderr);
  const four = run('--inst', 'linear4', '--placement', 'process', '--out', join(base, 'four'));
  assert.equal(four.status, 0, four.stderr);
  assert.equal(readFileSync(join(base, 'four', 'metrics.json'), 'utf8'), readFileSync(join(base, 'one', 'metrics.json'), 'utf8'));
  const info = JSON.parse(readFileSync(join(base, 'four', 'run.json'), 'utf8'));
  assert.equal(info.status, 'completed');
  assert.equal(info.placement, 'process');
  assert.equal(JSON.parse(readFileSync(join(base, 'four', 'plan.json'), 'utf8')).instances.length, 4);
});
