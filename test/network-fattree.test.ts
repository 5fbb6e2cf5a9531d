/**
 * configs/fattree.ts at small size: its workloads, its instantiations, and bit-identical metrics
 * whether the fat tree runs in one instance or is cut into several running in parallel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, serializationTime, US } from '@splitsim/kernel';
import { instantiate, manual } from '@splitsim/instantiation';
import { ETHERNET_OVERHEAD, UDP_HEADER } from '@splitsim/models';
import { runParallel, completed, runSequential } from '@splitsim/runtime';
import config, { crossPodPermutation, fatTreeFigures } from '../configs/fattree.ts';
import mixed from '../configs/mixed-fidelity.ts';

const plan = (inst: string, over: Record<string, unknown> = {}) => {
  const p = config.params.parse({ k: 4, ...over });
  const system = config.system(p);
  return instantiate(system, config.instantiations[inst]!(system, p), { config: 'fattree', instantiation: inst, seed: 1 });
};

test('fattree instantiations: single, byPod (cores + 4 pods), byRack (cores + 4 aggregation layers + 8 racks), linear', () => {
  assert.equal(plan('single').instances.length, 1);
  assert.equal(plan('byPod').instances.length, 5);
  assert.equal(plan('byRack').instances.length, 13);
  assert.equal(plan('linear', { instances: 3 }).instances.length, 3);
  const p = plan('byPod');
  // Only links between the pods' aggregation switches and the cores are cut: 4 pods × 2 × 2.
  assert.equal(p.links.filter((l) => l.channel !== null).length, 16);
  assert.ok(p.components.every((c) => c.model === (c.kind === 'host' ? 'host.protocol' : 'switch.packet')));
});

test('rack workload: each rack sink gets its senders’ 1 Gbps streams at the unloaded latency', () => {
  const p = plan('single');
  const { metrics } = completed(runSequential(p, { until: 1 * MS }));
  const f = fatTreeFigures(metrics);
  assert.equal(f.dropped, 0);
  // One sender per rack (k = 4): a 1448-byte payload every 11.584 µs, started within 20 µs.
  const perSender = (1 * MS) / ((1448 * 8 * 1e12) / 1e9);
  assert.ok(f.delivered >= 8 * Math.floor(perSender - 2) && f.delivered <= 8 * Math.ceil(perSender), `${f.delivered} delivered`);
  // Nothing queues: host → ToR → host, two serializations and two 500 ns links.
  const latency = 2 * serializationTime(1448 + UDP_HEADER + ETHERNET_OVERHEAD, 10e9) + 2 * 500_000;
  assert.equal(Math.round(f.meanLatency), latency);
});

test('perm workload: a fixed-seed permutation in which every host sends across pods', () => {
  for (const [k, hosts] of [[4, 16], [8, 128]] as const) {
    const perPod = (k / 2) ** 2;
    const perm = crossPodPermutation(hosts, perPod, 1);
    assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: hosts }, (_, i) => i));
    perm.forEach((to, from) => assert.notEqual(Math.floor(to / perPod), Math.floor(from / perPod)));
    assert.deepEqual(crossPodPermutation(hosts, perPod, 1), perm);
    assert.notDeepEqual(crossPodPermutation(hosts, perPod, 2), perm);
  }
  const { metrics } = completed(runSequential(plan('single', { workload: 'perm' }), { until: 200 * US }));
  const hosts = metrics.filter((m) => m.model === 'host.protocol');
  assert.equal(hosts.length, 16);
  for (const m of hosts) assert.ok((m.stats.udpReceived as number) > 0, `${m.path} receives`);
});

test('determinism: the fat tree cut into parallel instances gives the same metrics as one instance', async () => {
  const until = 100 * US;
  const reference = JSON.stringify(completed(runSequential(plan('single', { workload: 'perm' }), { until })).metrics);
  const cut = plan('linear', { workload: 'perm', instances: 2 });
  assert.ok(cut.channels.length > 0);
  const r = await runParallel(cut, { until });
  assert.equal(r.status, 'completed');
  assert.equal(JSON.stringify(r.metrics), reference);
});

test('rack workload cut by pod: every cut link is silent both ways, and threads and processes give the same metrics', async () => {
  const until = 100 * US;
  const reference = JSON.stringify(completed(runSequential(plan('single'), { until })).metrics);
  const cut = plan('byPod');
  const cutLinks = cut.links.filter((l) => l.channel !== null);
  assert.ok(cutLinks.length > 0);
  // No packet leaves its rack, so the instances share no traffic and ask each other for no promises.
  assert.ok(cutLinks.every((l) => l.silent === 'both'), JSON.stringify(cutLinks.map((l) => l.silent)));
  for (const placement of ['thread', 'process'] as const) {
    const r = await runParallel(cut, { until, placement });
    assert.equal(r.status, 'completed', placement);
    assert.equal(JSON.stringify(r.metrics), reference, placement);
  }
});

test('a message from an end the plan marks silent fails the run, naming the port', async () => {
  const cut = plan('linear', { workload: 'perm', instances: 2 });
  // Perm traffic crosses the cut; claim it does not.
  const lying = { ...cut, links: cut.links.map((l) => (l.channel === null ? l : { ...l, silent: 'both' as const })) };
  const r = await runParallel(lying, { until: 100 * US });
  assert.equal(r.status, 'failed');
  assert.match(r.failure!.message, /: \S+\.p\d+ sent a message on its cut link \(channel i0↔i1\), but the plan marks this end silent/);
});

test('determinism: detailed hosts and NICs in instances of their own (PCI links cut) change nothing', async () => {
  const until = 50 * US;
  const p = mixed.params.parse({ detailed: 10 });
  const system = mixed.system(p);
  const models = mixed.instantiations.single!(system, p).models!;
  const reference = JSON.stringify(completed(runSequential(instantiate(system, { models }, { config: 'mixed-fidelity', instantiation: 'single', seed: 1 }), { until })).metrics);
  const partition = manual({ nics: '**/nic', hosts: 'pod*/rack*/host*' }, { rest: 'network' });
  const cut = instantiate(system, { models, partition }, { config: 'mixed-fidelity', instantiation: 'cut', seed: 1 });
  assert.equal(cut.instances.length, 3);
  const r = await runParallel(cut, { until });
  assert.equal(r.status, 'completed');
  assert.equal(JSON.stringify(r.metrics), reference);
});
