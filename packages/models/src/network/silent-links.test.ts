import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate, type ModelRule, type Plan } from '@splitsim/instantiation';
import { fatTree, System } from '@splitsim/system';

/** The plan of a network system: the network step derives routes and silent link ends. */
function planOf(system: System, models: ModelRule[] = []): Plan {
  return instantiate(system, { models }, { config: 'test', instantiation: 'test', seed: 1 });
}

/** Links the network step marked silent at one end or both. */
const silentCount = (plan: Plan) => plan.links.filter((l) => l.silent !== undefined).length;

/** The silence the plan gives the link between two components (by path), seen from `a`'s end. */
function silence(plan: Plan, a: string, b: string): string {
  const ia = plan.components.find((c) => c.path === a)!.id;
  const ib = plan.components.find((c) => c.path === b)!.id;
  const l = plan.links.find((x) => (x.a.component === ia && x.b.component === ib) || (x.a.component === ib && x.b.component === ia))!;
  const s = l.silent;
  if (s === undefined || s === 'both') return s ?? 'none';
  // Report it as "a" or "b" of the pair as asked, whichever way the link was declared.
  const silentPath = s === 'a' ? (l.a.component === ia ? a : b) : l.b.component === ia ? a : b;
  return silentPath === a ? 'a' : 'b';
}

test('silent links: one-way UDP inside a rack silences the uplinks and the sink’s sending side', () => {
  const system = new System('ft4');
  fatTree({
    system,
    k: 4,
    host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'udp-sink' }] : slot.index === 1 ? [{ type: 'udp-cbr', dst: 'pod0/rack0/host0', rate: '1Gbps' }] : [] }),
  });
  const plan = planOf(system);
  // Sender → ToR: only the host sends; ToR → sink: only the switch sends.
  assert.equal(silence(plan, 'pod0/rack0/host1', 'pod0/rack0/tor'), 'b');
  assert.equal(silence(plan, 'pod0/rack0/tor', 'pod0/rack0/host0'), 'b');
  // Nothing leaves the rack, and idle hosts neither send nor receive.
  assert.equal(silence(plan, 'pod0/rack0/tor', 'pod0/agg0'), 'both');
  assert.equal(silence(plan, 'pod0/agg1', 'core3'), 'both');
  assert.equal(silence(plan, 'pod3/rack1/host1', 'pod3/rack1/tor'), 'both');
  // 48 links in a k=4 fat tree; the two the stream uses still carry it one way.
  assert.equal(system.links.length, 48);
  assert.equal(silentCount(plan), 48);
});

test('silent links: TCP across pods opens both directions along every equal-cost path, and only those', () => {
  const system = new System('ft4');
  fatTree({
    system,
    k: 4,
    host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'tcp-bulk', dst: 'pod2/rack0/host0' }] : slot.index === 8 ? [{ type: 'tcp-sink' }] : [] }),
  });
  const plan = planOf(system);
  // Data one way, acknowledgements the other, through both aggregation switches and all four cores.
  assert.equal(silence(plan, 'pod0/rack0/host0', 'pod0/rack0/tor'), 'none');
  for (const agg of ['pod0/agg0', 'pod0/agg1']) assert.equal(silence(plan, 'pod0/rack0/tor', agg), 'none');
  for (const core of ['core0', 'core1']) assert.equal(silence(plan, 'pod0/agg0', core), 'none');
  for (const core of ['core2', 'core3']) assert.equal(silence(plan, 'pod0/agg1', core), 'none');
  assert.equal(silence(plan, 'pod2/rack0/tor', 'pod2/rack0/host0'), 'none');
  // Packets for pod 2 go down only into pod 2's rack 0; the other pods and racks stay silent.
  assert.equal(silence(plan, 'pod2/agg0', 'pod2/rack1/tor'), 'both');
  assert.equal(silence(plan, 'core0', 'pod1/agg0'), 'both');
  assert.equal(silence(plan, 'pod0/rack1/tor', 'pod0/agg0'), 'both');
  // Used both ways: 2 host links, 2 + 2 ToR–aggregation links, 4 + 4 aggregation–core links.
  assert.equal(system.links.length - silentCount(plan), 14);
});

test('silent links: a host behind a NIC opens the NIC’s network link; the PCI link is never marked', () => {
  const system = new System('ft4');
  fatTree({
    system,
    k: 4,
    host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'udp-cbr', dst: 'pod0/rack0/host1', rate: '1Gbps' }] : slot.index === 1 ? [{ type: 'udp-sink' }] : [] }),
    nic: (slot) => (slot.index === 0 ? {} : undefined),
  });
  // host.protocol has no pci port: the host behind the NIC is a detailed one.
  const plan = planOf(system, [{ kind: 'host', match: 'pod0/rack0/host0', model: 'host.detailed' }, { kind: 'host', model: 'host.protocol' }]);
  assert.equal(silence(plan, 'pod0/rack0/host0', 'pod0/rack0/host0/nic'), 'none');
  assert.equal(silence(plan, 'pod0/rack0/host0/nic', 'pod0/rack0/tor'), 'b');
  assert.equal(silence(plan, 'pod0/rack0/tor', 'pod0/rack0/host1'), 'b');
});
