/**
 * configs/datacenter.ts at small size: all seven of the paper's instantiations of the datacenter
 * (same models, different partitions) give bit-identical metrics, run sequentially and in
 * parallel, in threads and in child processes; and the metrics say the traffic really flowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { US } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { runParallel, completed, runSequential } from '@splitsim/runtime';
import config from '../configs/datacenter.ts';

// 2 blocks × 3 racks × 4 hosts, 2 of them detailed (host + NIC): small enough for CI, and every
// instantiation cuts something different (cr3 puts 3 racks together, rs every switch apart).
const small = { blocks: 2, racksPerBlock: 3, hostsPerRack: 4, detailedHosts: 2, sendingShare: 0.5 };
const until = 200 * US;

function plan(inst: string) {
  const p = config.params.parse(small);
  const system = config.system(p);
  return instantiate(system, config.instantiations[inst]!(system, p), { config: 'datacenter', instantiation: inst, seed: 1 });
}

/** The one-engine run every partitioned run is compared with, computed once for both tests. */
let sequential: ReturnType<typeof runSequential>['metrics'] | undefined;
const referenceRun = () => (sequential ??= completed(runSequential(plan('s'), { until })).metrics);

test('datacenter: s, ab, ac, cr, cr3, cr6 and rs give bit-identical metrics.json', async () => {
  const reference = referenceRun();
  const byPath = new Map(reference.map((c) => [c.path, c]));
  // The run did something worth comparing: traffic crossed the core, and detailed hosts took part.
  const core = byPath.get('core')!.stats as Record<string, number>;
  assert.ok(core.txPackets! > 500, `core forwarded ${core.txPackets} packets`);
  const detailed = reference.filter((c) => c.model === 'host.detailed');
  assert.equal(detailed.length, 2);
  const json = JSON.stringify(reference);
  for (const inst of ['s', 'ab', 'ac', 'cr', 'cr3', 'cr6', 'rs']) {
    const p = plan(inst);
    if (inst !== 's') assert.ok(p.channels.length > 0, `${inst} cuts links`);
    const r = await runParallel(p, { until });
    assert.equal(r.status, 'completed', inst);
    assert.equal(JSON.stringify(r.metrics), json, `${inst} (${p.instances.length} instances) differs from one engine`);
  }
});

test('datacenter: cr3 in child processes gives the same metrics as one engine', async () => {
  const reference = JSON.stringify(referenceRun());
  const p = plan('cr3');
  for (const inst of p.instances) inst.placement = { kind: 'process' };
  const r = await runParallel(p, { until });
  assert.equal(r.status, 'completed');
  assert.equal(JSON.stringify(r.metrics), reference);
});
