/**
 * Every protocol config (@splitsim/protocols, named in `modules`) writes the same metrics.json in
 * one engine and split across two instances, in worker threads and in child processes, with its
 * faults: crashes of components on either side, and link faults (partitions, delays) on links the
 * partition cuts, which each sender decides from the plan. Short runs; the figures are checked in
 * the protocol tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEC } from '@splitsim/kernel';
import { instantiate, type Plan } from '@splitsim/instantiation';
import { completed, loadConfig, runParallel, runSequential, writeRunDirectory, type RunRecord } from '@splitsim/runtime';

const root = join(import.meta.dirname, '..');

function bytes(run: Omit<RunRecord, 'log' | 'wallSeconds' | 'status'>): string {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-proto-'));
  writeRunDirectory(dir, { ...run, wallSeconds: 1, status: 'completed', log: [] });
  return readFileSync(join(dir, 'metrics.json'), 'utf8');
}

async function check(file: string, overrides: Record<string, unknown>, until: number) {
  const { config, catalog, params } = await loadConfig(join(root, 'configs', file), overrides);
  const system = config.system(params);
  const plan: Plan = instantiate(system, config.instantiations.split!(system, params), { config: config.name, instantiation: 'split', seed: 4, catalog });
  assert.equal(plan.instances.length, 2);
  assert.ok(plan.faults, `${file}: the plan has faults`);
  const s = completed(runSequential(plan, { catalog, until }));
  const reference = bytes({ plan, result: s.result, metrics: s.metrics });
  for (const placement of ['thread', 'process'] as const) {
    const r = await runParallel(plan, { placement, until });
    assert.equal(r.status, 'completed', r.failure?.message);
    assert.equal(bytes({ plan, result: r.result, metrics: r.metrics }), reference, `${file} in ${placement}s`);
  }
  return { plan, metrics: s.metrics };
}

/** Links with faults that the partition cuts. */
const cutFaulty = (plan: Plan) => (plan.faults?.links ?? []).filter((f) => plan.links[f.link]!.channel !== null).length;

test('raft (chaos: seeded crashes and partitions) is byte-identical in one engine, threads and processes', async () => {
  const { plan } = await check('raft.ts', { scenario: 'chaos', faultsUntil: '8s', stop: '10s', rate: 20 }, 10 * SEC);
  assert.ok(cutFaulty(plan) > 0, 'a partition cuts links the plan cuts too');
  assert.ok(plan.faults!.crashes.length > 0);
});

test('two-phase commit (coordinator and participant crashes) is byte-identical in one engine, threads and processes', async () => {
  const { plan } = await check('two-phase-commit.ts', { crashTx: '2s', down: '1s', participantFrom: '4s', participantDown: '2s', stop: '8s' }, 9 * SEC);
  assert.equal(plan.faults!.crashes.length, 2);
});

test('vector clocks (delayed links across the cut) are byte-identical in one engine, threads and processes', async () => {
  const { plan } = await check('causal.ts', { stop: '35s', rate: 10 }, 36 * SEC);
  assert.ok(cutFaulty(plan) > 0, 'a delayed link is cut');
});

test('broker semantics (a broker and a consumer crash) are byte-identical in one engine, threads and processes', async () => {
  await check('broker-semantics.ts', { duration: '40s', warmup: '5s', crashAt: '20s', consumerCrashAt: '10s' }, 41 * SEC);
});
