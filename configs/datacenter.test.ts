import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlan, instantiate } from '@splitsim/instantiation';
import type { AppInput } from '@splitsim/models';
import config, { detailedHostIndices } from './datacenter.ts';
const params = config.params.parse({});
const system = config.system(params);

test('the default datacenter: 1200 hosts, 36 switches, 7 detailed hosts behind NICs', () => {
  const count = (kind: string) => system.components.filter((c) => c.kind === kind).length;
  assert.deepEqual([count('host'), count('switch'), count('nic')], [1200, 36, 7]);
  assert.deepEqual(system.resolve().problems, []);
  const nics = system.components.filter((c) => c.kind === 'nic').map((c) => c.path.replace(/\/nic$/, ''));
  assert.equal(new Set(nics.map((p) => p.split('/')[0])).size, 5, 'the detailed hosts spread over all blocks');
  assert.deepEqual(detailedHostIndices(params), [85, 257, 428, 600, 771, 942, 1114]);
});

test('traffic: the sending share sends bulk TCP to other hosts; the detailed hosts run one RPC service', () => {
  const resolved = system.resolve();
  const apps = system.components.filter((c) => c.kind === 'host').map((c) => resolved.params[c.id]!.apps as AppInput[]);
  const senders = apps.filter((a) => a.some((x) => x.type === 'tcp-bulk'));
  assert.equal(senders.length, Math.round(0.5 * (1200 - 7)));
  assert.equal(apps.filter((a) => a.some((x) => x.type === 'rpc-server')).length, 1);
  const clients = apps.flatMap((a) => a.filter((x) => x.type === 'rpc-client'));
  assert.equal(clients.length, 6);
  assert.ok(clients.every((c) => c.type === 'rpc-client' && c.server === 'block0/rack2/host5' && c.concurrency === 4));
  // Another traffic seed, other pairs; the same seed, the same system.
  const other = config.system(config.params.parse({ trafficSeed: 2 }));
  const again = config.system(params);
  const dsts = (s: typeof system) => s.components.map((c) => JSON.stringify(c.params.apps ?? null));
  assert.notDeepEqual(dsts(other), dsts(system));
  assert.deepEqual(dsts(again), dsts(system));
});

test('every instantiation of the config resolves; the paper strategies give 1, 5, 6, 31, 11, 36 instances', () => {
  const expected: Record<string, number> = { s: 1, ab: 5, ac: 6, cr: 31, cr3: 11, cr6: 6, rs: 36, custom: 1 + 7 + 5, halves: 2, auto8: 8 };
  for (const [name, build] of Object.entries(config.instantiations)) {
    const plan = instantiate(system, build(system, params), { config: 'datacenter', instantiation: name, seed: 1 });
    assert.equal(plan.instances.length, expected[name], name);
    assert.deepEqual(checkPlan(plan), [], name);
    const models = new Map<string, number>();
    for (const c of plan.components) models.set(c.model, (models.get(c.model) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(models), { 'switch.packet': 36, 'host.protocol': 1193, 'host.detailed': 7, 'nic.detailed': 7 }, name);
  }
  const custom = instantiate(system, config.instantiations.custom!(system, params), { config: 'datacenter', instantiation: 'custom', seed: 1 });
  assert.deepEqual(custom.instances.filter((i) => i.placement.kind === 'process').map((i) => i.name), ['hot-block0-rack2', 'hot-block1-rack0', 'hot-block1-rack4', 'hot-block2-rack3', 'hot-block3-rack1', 'hot-block3-rack5', 'hot-block4-rack3']);
});
