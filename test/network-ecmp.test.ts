/**
 * ECMP per flow (the default) and per packet (`ecmp: 'packet'`): a cross-pod permutation at 6 Gbps
 * per host overloads some fat-tree paths when flows hash onto them, and none when every packet
 * picks a path at random; per-packet spraying spreads the load evenly over the cores and stays
 * deterministic when the fat tree is cut into parallel instances.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, US } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, runParallel, runSequential } from '@splitsim/runtime';
import config, { fatTreeFigures } from '../configs/fattree.ts';

const plan = (inst: string, over: Record<string, unknown>) => {
  const p = config.params.parse({ k: 4, workload: 'perm', rate: '6Gbps', ...over });
  const system = config.system(p);
  return instantiate(system, config.instantiations[inst]!(system, p), { config: 'fattree', instantiation: inst, seed: 1 });
};

test('a 6 Gbps cross-pod permutation: hashing flows onto paths drops packets, spraying them drops none', () => {
  const until = 5 * MS;
  const flow = completed(runSequential(plan('single', { ecmp: 'flow' }), { until }));
  const packet = completed(runSequential(plan('single', { ecmp: 'packet' }), { until }));
  const f = fatTreeFigures(flow.metrics);
  const p = fatTreeFigures(packet.metrics);
  assert.equal(f.sent, p.sent);
  assert.ok(f.dropped > 0.1 * f.sent, `per flow: ${f.dropped} of ${f.sent} dropped`);
  assert.equal(p.dropped, 0, 'per packet: nothing dropped');
  // Each core carries a quarter of the cross-pod packets, to within 1 %.
  const cores = packet.metrics.filter((m) => /^core\d$/.test(m.path)).map((m) => m.stats.txPackets as number);
  const mean = cores.reduce((a, b) => a + b, 0) / cores.length;
  for (const c of cores) assert.ok(Math.abs(c - mean) < 0.01 * mean, `core loads ${cores.join(', ')}`);
});

test('per-packet ECMP draws from each switch’s own random stream: cut into instances, the same metrics', async () => {
  const until = 100 * US;
  const reference = JSON.stringify(runSequential(plan('single', { ecmp: 'packet' }), { until }).metrics);
  const r = await runParallel(plan('byPod', { ecmp: 'packet' }), { until });
  assert.equal(r.status, 'completed');
  assert.equal(JSON.stringify(r.metrics), reference);
});
