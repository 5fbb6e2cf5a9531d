import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datacenter, fatTree, hostPath, leafSpine, System } from '@splitsim/system';

test('datacenter defaults: 1 core, 5 blocks × 6 racks × 40 hosts, paper bandwidths, 500 ns', () => {
  const dc = datacenter();
  const { system } = dc;
  const kinds = new Map<string, number>();
  for (const c of system.components) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(kinds), { switch: 36, host: 1200 });
  assert.equal(system.links.length, 5 + 30 + 1200);
  assert.equal(dc.hosts.length, 1200);
  assert.equal(system.find('block2/rack3/host17')?.kind, 'host');
  assert.equal(hostPath(2, 3, 17), 'block2/rack3/host17');
  assert.deepEqual([dc.core.path, dc.aggs[4]!.path, dc.tors[29]!.path], ['core', 'block4/agg', 'block4/rack5/tor']);
  const bw = (a: string, b: string) => system.links.find((l) => system.pathOf(l.a.component) === a && system.pathOf(l.b.component) === b)!;
  assert.equal(bw('block1/agg', 'core').bandwidth, 100e9);
  assert.equal(bw('block1/rack2/tor', 'block1/agg').bandwidth, 40e9);
  assert.equal(bw('block1/rack2/host7', 'block1/rack2/tor').bandwidth, 10e9);
  assert.ok(system.links.every((l) => l.latency === 500_000));
  assert.deepEqual(system.resolve().problems, []);
  // Ids follow the documented order: core, then per block its agg, then per rack its ToR and hosts.
  assert.deepEqual(system.components.slice(0, 4).map((c) => c.path), ['core', 'block0/agg', 'block0/rack0/tor', 'block0/rack0/host0']);
});

test('datacenter: host and NIC choices per slot; hosts with a NIC join it by a PCI link', () => {
  const dc = datacenter({ blocks: 2, racksPerBlock: 2, hostsPerRack: 3, host: (s) => ({ cores: s.index + 1 }), nic: (s) => (s.index === 4 ? { mtu: 9000 } : false) });
  const { system } = dc;
  assert.equal(system.components.length, 1 + 2 + 4 + 12 + 1);
  const host = system.find('block0/rack1/host1')!;
  assert.deepEqual(host.params, { cores: 5 });
  const nic = system.find('block0/rack1/host1/nic')!;
  assert.equal(nic.id, host.id + 1);
  assert.deepEqual(nic.params, { mtu: 9000 });
  const r = system.resolve();
  assert.deepEqual(r.problems, []);
  const kinds = system.links.map((l, i) => `${system.linkName(l)} ${r.linkKinds[i]}`).filter((x) => x.includes('host1'));
  assert.ok(kinds.includes('block0/rack1/host1.pci ↔ block0/rack1/host1/nic.pci pci'), kinds.join('\n'));
  assert.ok(kinds.includes('block0/rack1/host1/nic.eth ↔ block0/rack1/tor.p1 network'));
});

test('datacenter: bad options are reported together; a given system is built into', () => {
  assert.throws(() => datacenter({ blocks: 0, hostsPerRack: 1.5, colour: 'red' } as never), (err: Error) => {
    assert.match(err.message, /datacenter\(\) has 3 bad options/);
    assert.match(err.message, /blocks: /);
    assert.match(err.message, /hostsPerRack: /);
    assert.match(err.message, /unknown option "colour"/);
    return true;
  });
  const system = new System('mine');
  system.add('host', 'outside', {});
  const dc = datacenter({ system, blocks: 1, racksPerBlock: 1, hostsPerRack: 1 });
  assert.equal(dc.system, system);
  assert.equal(system.components.length, 1 + 4);
});

test('fat tree k: (k/2)² cores, k pods of k/2 agg and k/2 edge switches, k³/4 hosts', () => {
  for (const k of [4, 8]) {
    const ft = fatTree({ k });
    const half = k / 2;
    assert.equal(ft.cores.length, half * half);
    assert.equal(ft.aggs.length, k * half);
    assert.equal(ft.edges.length, k * half);
    assert.equal(ft.hosts.length, k ** 3 / 4);
    // host links + edge↔agg + agg↔core
    assert.equal(ft.system.links.length, k ** 3 / 4 + k * half * half + k * half * half);
    assert.deepEqual(ft.system.resolve().problems, []);
    // Every switch uses all k of its ports.
    const used = new Map<number, number>();
    for (const l of ft.system.links) for (const e of [l.a, l.b]) used.set(e.component, (used.get(e.component) ?? 0) + 1);
    for (const sw of [...ft.cores, ...ft.aggs, ...ft.edges]) assert.equal(used.get(sw.id), k, sw.path);
  }
  assert.deepEqual(fatTree({ k: 4 }).hosts.slice(3, 5).map((h) => h.path), ['pod0/rack1/host1', 'pod1/rack0/host0']);
  assert.throws(() => fatTree({ k: 5 }), /k must be even/);
});

test('leaf-spine: every leaf joined to every spine', () => {
  const ls = leafSpine({ spines: 2, leaves: 3, hostsPerLeaf: 4 });
  assert.equal(ls.system.components.length, 2 + 3 + 12);
  assert.equal(ls.system.links.length, 2 * 3 + 12);
  assert.equal(ls.hosts[11]!.path, 'rack2/host3');
  assert.deepEqual(ls.system.resolve().problems, []);
});
