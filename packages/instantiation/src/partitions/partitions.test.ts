import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ab, ac, balanced, byPod, byRack, cr, crK, linear, manual, roundRobin, rs, s, single, type Group, type PartitionFn } from '@splitsim/instantiation';
import { datacenter, fatTree, System } from '@splitsim/system';

/** Every component in exactly one group, names unique. */
function assertPartition(system: System, groups: Group[]): void {
  const seen = new Int32Array(system.components.length);
  for (const g of groups) for (const id of g.components) seen[id]!++;
  assert.ok(seen.every((n) => n === 1), 'every component in exactly one group');
  assert.equal(new Set(groups.map((g) => g.name)).size, groups.length, 'names unique');
}

const cut = (system: System, groups: Group[]) => {
  const at = new Int32Array(system.components.length);
  groups.forEach((g, i) => g.components.forEach((id) => (at[id] = i)));
  return system.links.filter((l) => at[l.a.component] !== at[l.b.component]).length;
};

// The 1200-host datacenter, with the 7 detailed hosts behind NICs, as configs/datacenter.ts builds it.
const dc = datacenter({ nic: (slot) => slot.index % 171 === 85 });

test('datacenter strategies give the paper instance counts: s 1, ab 5, ac 6, cr 31, cr3 11, rs 36', () => {
  const expected: Array<[string, PartitionFn, number]> = [['s', s, 1], ['ab', ab, 5], ['ac', ac, 6], ['cr', cr, 31], ['cr3', crK(3), 11], ['cr6', crK(6), 6], ['rs', rs, 36]];
  assert.equal(dc.hosts.filter((h) => h.nic).length, 7);
  for (const [name, partition, count] of expected) {
    const groups = partition(dc.system);
    assert.equal(groups.length, count, name);
    assertPartition(dc.system, groups);
  }
});

test('datacenter strategies put each layer where the paper does', () => {
  const names = (p: PartitionFn, path: string) => p(dc.system).find((g) => g.components.includes(dc.system.find(path)!.id))!.name;
  assert.equal(names(ab, 'core'), 'block0');
  assert.equal(names(ac, 'core'), 'core');
  assert.equal(names(ac, 'block3/rack2/host9'), 'block3');
  assert.equal(names(cr, 'block3/agg'), 'core');
  assert.equal(names(cr, 'block3/rack2/tor'), 'block3-rack2');
  assert.equal(names(crK(3), 'block1/rack0/host0'), 'racks6-8');
  assert.equal(names(rs, 'block3/agg'), 'block3-agg');
  // A NIC stays in its host's rack.
  const nic = dc.hosts.find((h) => h.nic)!;
  assert.equal(names(cr, nic.nic!.path), names(cr, nic.path));
  // The rack strategies cut exactly the uplinks they must.
  assert.equal(cut(dc.system, cr(dc.system)), 30);
  assert.equal(cut(dc.system, rs(dc.system)), 35);
  assert.equal(cut(dc.system, ab(dc.system)), 4);
});

test('crK with a last, shorter chunk; byPod and byRack on a fat tree', () => {
  const groups = crK(4)(dc.system);
  assert.equal(groups.length, 1 + 8);
  assert.equal(groups.at(-1)!.name, 'racks28-29');
  const ft = fatTree({ k: 4 }).system;
  assert.equal(byPod(ft).length, 1 + 4);
  assert.equal(byRack(ft).length, 1 + 4 + 8);
  assertPartition(ft, byRack(ft));
});

test('single, linear and roundRobin', () => {
  const sys = datacenter({ blocks: 1, racksPerBlock: 2, hostsPerRack: 3 }).system;
  assert.deepEqual(single(sys).map((g) => g.components.length), [10]);
  assert.deepEqual(linear(3)(sys).map((g) => g.components), [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(roundRobin(4)(sys).map((g) => g.components), [[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]);
  const problems: string[] = [];
  linear(0)(sys, { problem: (w, m) => problems.push(`${w}: ${m}`) });
  assert.deepEqual(problems, ['partition linear(0): needs a positive whole number of instances, got 0']);
  assert.throws(() => roundRobin(-1)(sys), /roundRobin\(-1\): needs a positive whole number/);
});

test('manual: globs over paths, first instance wins, rest, and patterns that match nothing', () => {
  const sys = dc.system;
  const problems: string[] = [];
  const groups = manual({ spine: ['core', '*/agg'], hot: 'block0/rack0/**', block0: 'block0/**', typo: 'blok1/**' }, { rest: 'others' })(sys, { problem: (w, m) => problems.push(`${w}: ${m}`) });
  assert.deepEqual(groups.map((g) => [g.name, g.components.length]), [['spine', 6], ['hot', 41], ['block0', 5 * 41 + 1], ['others', sys.components.length - 6 - 41 - 206]]);
  assertPartition(sys, groups);
  assert.deepEqual(problems, ['partition manual, instance typo: pattern "blok1/**" matches no component (or only components an earlier instance took); fix or drop it']);
  // Without a rest instance, unmatched components stay out (instantiate reports them).
  const partial = manual({ only: 'core' })(sys);
  assert.deepEqual(partial.map((g) => g.components), [[0]]);
});

test('balanced: n instances within the load tolerance, few cut links, deterministic', () => {
  for (const n of [2, 4, 8, 16]) {
    const groups = balanced(n)(dc.system);
    assert.equal(groups.length, n);
    assertPartition(dc.system, groups);
    assert.deepEqual(balanced(n)(dc.system), groups, 'same system, same groups');
    // Loads as the default estimate counts them (a switch: its links; a host: 1 + apps).
    const degree = new Int32Array(dc.system.components.length);
    for (const l of dc.system.links) (degree[l.a.component]!++, degree[l.b.component]!++);
    const load = (id: number) => (dc.system.components[id]!.kind === 'switch' ? degree[id]! : 1);
    const loads = groups.map((g) => g.components.reduce((sum, id) => sum + load(id), 0));
    const mean = loads.reduce((a, b) => a + b) / n;
    assert.ok(Math.max(...loads) <= mean * 1.05 + 41, `n=${n}: loads ${loads.join(', ')}`);
    // No more cut links than contiguous id ranges, far fewer than dealing components out blindly.
    const cuts = cut(dc.system, groups);
    assert.ok(cuts <= cut(dc.system, linear(n)(dc.system)), `n=${n}: cut ${cuts}`);
    assert.ok(cuts < cut(dc.system, roundRobin(n)(dc.system)) / 8, `n=${n}: cut ${cuts}`);
  }
});

test('balanced never cuts a noCut or zero-latency link', () => {
  const sys = new System('chain');
  const nodes = Array.from({ length: 40 }, (_, i) => sys.add('phold', `n${i}`, {}));
  for (let i = 0; i + 1 < nodes.length; i++) {
    sys.link(nodes[i]!.port('r'), nodes[i + 1]!.port('l'), { latency: i % 5 === 2 ? 0 : '1us', noCut: i % 7 === 3 });
  }
  for (const n of [2, 3, 4, 6, 9]) {
    const groups = balanced(n)(sys);
    assertPartition(sys, groups);
    const at = new Int32Array(40);
    groups.forEach((g, i) => g.components.forEach((id) => (at[id] = i)));
    for (const l of sys.links) if (l.noCut || l.latency === 0) assert.equal(at[l.a.component], at[l.b.component], `n=${n}: ${sys.linkName(l)}`);
    assert.equal(groups.length, n);
  }
});
