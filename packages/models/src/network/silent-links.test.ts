import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fatTree, System, type LinkDecl } from '@splitsim/system';
import { networkKinds, routeNetwork } from './routing.ts';

/** The silence routeNetwork wrote on the link between two components (by path), seen from `a`'s end. */
function silence(system: System, a: string, b: string): string {
  const ia = system.find(a)!.id;
  const ib = system.find(b)!.id;
  const l = system.links.find((x) => (x.a.component === ia && x.b.component === ib) || (x.a.component === ib && x.b.component === ia)) as LinkDecl;
  const s = l.silent;
  if (s === undefined || s === 'both') return s ?? 'none';
  // Report it as "a" or "b" of the pair as asked, whichever way the link was declared.
  const silentPath = s === 'a' ? (l.a.component === ia ? a : b) : l.b.component === ia ? a : b;
  return silentPath === a ? 'a' : 'b';
}

test('silent links: one-way UDP inside a rack silences the uplinks and the sink’s sending side', () => {
  const system = new System('ft4', { kinds: networkKinds });
  fatTree({
    system,
    k: 4,
    host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'udp-sink' }] : slot.index === 1 ? [{ type: 'udp-cbr', dst: 'pod0/rack0/host0', rate: '1Gbps' }] : [] }),
  });
  const summary = routeNetwork(system);
  // Sender → ToR: only the host sends; ToR → sink: only the switch sends.
  assert.equal(silence(system, 'pod0/rack0/host1', 'pod0/rack0/tor'), 'b');
  assert.equal(silence(system, 'pod0/rack0/tor', 'pod0/rack0/host0'), 'b');
  // Nothing leaves the rack, and idle hosts neither send nor receive.
  assert.equal(silence(system, 'pod0/rack0/tor', 'pod0/agg0'), 'both');
  assert.equal(silence(system, 'pod0/agg1', 'core3'), 'both');
  assert.equal(silence(system, 'pod3/rack1/host1', 'pod3/rack1/tor'), 'both');
  // 48 links in a k=4 fat tree; the two the stream uses still carry it one way.
  assert.equal(system.links.length, 48);
  assert.equal(summary.silentLinks, 48);
});

test('silent links: TCP across pods opens both directions along every equal-cost path, and only those', () => {
  const system = new System('ft4', { kinds: networkKinds });
  fatTree({
    system,
    k: 4,
    host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'tcp-bulk', dst: 'pod2/rack0/host0' }] : slot.index === 8 ? [{ type: 'tcp-sink' }] : [] }),
  });
  const summary = routeNetwork(system);
  // Data one way, acknowledgements the other, through both aggregation switches and all four cores.
  assert.equal(silence(system, 'pod0/rack0/host0', 'pod0/rack0/tor'), 'none');
  for (const agg of ['pod0/agg0', 'pod0/agg1']) assert.equal(silence(system, 'pod0/rack0/tor', agg), 'none');
  for (const core of ['core0', 'core1']) assert.equal(silence(system, 'pod0/agg0', core), 'none');
  for (const core of ['core2', 'core3']) assert.equal(silence(system, 'pod0/agg1', core), 'none');
  assert.equal(silence(system, 'pod2/rack0/tor', 'pod2/rack0/host0'), 'none');
  // Packets for pod 2 go down only into pod 2's rack 0; the other pods and racks stay silent.
  assert.equal(silence(system, 'pod2/agg0', 'pod2/rack1/tor'), 'both');
  assert.equal(silence(system, 'core0', 'pod1/agg0'), 'both');
  assert.equal(silence(system, 'pod0/rack1/tor', 'pod0/agg0'), 'both');
  // Used both ways: 2 host links, 2 + 2 ToR–aggregation links, 4 + 4 aggregation–core links.
  assert.equal(system.links.length - summary.silentLinks, 14);
});

test('silent links: a host behind a NIC opens the NIC’s network link; the PCI link is never marked', () => {
  const system = new System('ft4', { kinds: networkKinds });
  fatTree({
    system,
    k: 4,
    host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'udp-cbr', dst: 'pod0/rack0/host1', rate: '1Gbps' }] : slot.index === 1 ? [{ type: 'udp-sink' }] : [] }),
    nic: (slot) => (slot.index === 0 ? {} : undefined),
  });
  routeNetwork(system);
  assert.equal(silence(system, 'pod0/rack0/host0', 'pod0/rack0/host0/nic'), 'none');
  assert.equal(silence(system, 'pod0/rack0/host0/nic', 'pod0/rack0/tor'), 'b');
  assert.equal(silence(system, 'pod0/rack0/tor', 'pod0/rack0/host1'), 'b');
});
