// Rebalancing on synthetic costs: links that may not be cut stay inside one instance, heavy links
// are kept inside where the work allows, patterns name exactly the components of a group, and the
// cost model prices what it says it prices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MACHINE, patternsFor, predict, proposeGroups, ranges, rebalance, type RunCosts } from '@splitsim/profiler';

// Fixed machine figures, so that the tests do not move when the defaults are fitted again.
const M = { ...DEFAULT_MACHINE, windowNs: 1000, burst: 8, switchNs: 100_000, parallelInflation: 1 };

/** A chain of n components, each of `work` ns per simulated second, links of `msgs` messages per simulated second. */
function chain(n: number, link: (i: number) => { latency?: number; noCut?: boolean; msgs?: number }, work = (_: number) => 1e6): RunCosts {
  const components = Array.from({ length: n }, (_, i) => ({ id: i, path: `n${i}`, kind: 'node', model: 'm', work: work(i), events: work(i) / 100 }));
  const links = Array.from({ length: n - 1 }, (_, i) => {
    const l = { latency: 1_000_000, noCut: false, msgs: 1000, ...link(i) };
    return { id: i, a: i, b: i + 1, latency: l.latency, fixed: l.noCut || l.latency === 0, silent: null, msgs: l.msgs, bytesPerMsg: null };
  });
  return {
    dir: 'synthetic',
    topology: {
      config: 'chain', instantiation: 'one',
      components: components.map((c) => ({ id: c.id, path: c.path, kind: c.kind, model: c.model })),
      links: links.map((l) => ({ id: l.id, a: l.a, b: l.b, latency: l.latency, noCut: !l.fixed ? false : l.latency !== 0, silent: null })),
      instances: [{ name: 'all', components: components.map((c) => c.id), placement: 'thread' }],
    },
    cores: 8, measuredSpeed: 1, components, links, models: { m: { nsPerEvent: 100, sampled: 1 } }, channel: null, windowNs: null, otherLoad: 0,
    instances: [{ name: 'all', components: components.map((c) => c.id), placement: 'thread', computeNs: n * 1e6, overheadNs: 0, waitShare: 0, runqueueShare: null }],
    notes: [],
  };
}

test('no proposal cuts a zero-latency or noCut link, for any instance count', () => {
  const costs = chain(40, (i) => ({ latency: i % 5 === 2 ? 0 : 1_000_000, noCut: i % 7 === 3 }));
  for (const k of [2, 3, 4, 6, 9]) {
    const groups = proposeGroups(costs, k, k, M, 'thread');
    const at = new Int32Array(40);
    groups.forEach((g, i) => g.forEach((id) => (at[id] = i)));
    assert.equal(groups.flat().length, 40, 'every component placed once');
    assert.equal(new Set(groups.flat()).size, 40);
    for (const l of costs.links) if (l.fixed) assert.equal(at[l.a], at[l.b], `k=${k}: link ${l.a}-${l.b} cut`);
    assert.equal(groups.length, k);
  }
});

test('balance first, then the light links are the ones cut', () => {
  // Two heavy halves joined by one light link in the middle: two instances cut exactly there.
  const costs = chain(20, (i) => ({ msgs: i === 9 ? 10 : 1e6 }));
  const groups = proposeGroups(costs, 2, 2, M, 'thread').map((g) => [...g].sort((a, b) => a - b));
  assert.deepEqual(groups.sort((a, b) => a[0]! - b[0]!), [Array.from({ length: 10 }, (_, i) => i), Array.from({ length: 10 }, (_, i) => i + 10)]);
  // One component with most of the work: the others gather in the second instance.
  const skewed = chain(10, () => ({}), (i) => (i === 0 ? 9e6 : 1e6));
  const two = proposeGroups(skewed, 2, 2, M, 'thread');
  assert.deepEqual(two.map((g) => g.length).sort((a, b) => a - b), [1, 9]);
});

test('the cost model: one instance runs at its total work; more instances than cores pay per window; cut messages cost', () => {
  // Each component 1 s of work per simulated second: much more than a window's overhead.
  const costs = chain(8, () => ({ msgs: 0 }), () => 1e9);
  const one = predict(costs, { name: 'one', groups: [{ name: 'all', components: [0, 1, 2, 3, 4, 5, 6, 7], placement: 'thread' }] }, M, 2);
  assert.equal(one.wallNs, 8e9);
  assert.equal(one.speed, 1 / 8);
  const split = (k: number) => ({ name: `k${k}`, groups: Array.from({ length: k }, (_, i) => ({ name: `p${i}`, components: [0, 1, 2, 3, 4, 5, 6, 7].filter((id) => id % k === i), placement: 'thread' as const })) });
  const two = predict(costs, split(2), M, 2);
  const four = predict(costs, split(4), M, 2);
  assert.ok(two.cpuNs < one.cpuNs, 'two cores share the work');
  assert.ok(four.couplingNs > two.couplingNs, 'four instances on two cores take turns every window');
  const busy = chain(8, () => ({ msgs: 1e6 }), () => 1e9);
  assert.ok(predict(busy, split(2), M, 2).cutMsgs > 0);
  assert.ok(predict(busy, split(2), M, 2).speed < predict(costs, split(2), M, 2).speed, 'cut traffic slows');
});

test('rebalance on one core proposes one instance and moves nothing', () => {
  const p = rebalance(chain(12, () => ({})), { cores: 1, machine: M });
  assert.equal(p.candidate.groups.length, 1);
  assert.deepEqual(p.moves, []);
  assert.match(p.text, /"components": \[\n\s+"n0",/);
});

test('patterns: whole subtrees as globs, single paths, flat runs as id ranges; nothing outside the set', () => {
  const paths = ['core', 'b0/agg', 'b0/r0/tor', 'b0/r0/h0', 'b0/r0/h1', 'b0/r1/tor', 'b0/r1/h0', 'b1/agg', 'b1/r0/tor', 'b1/r0/h0'];
  const p = patternsFor(paths, new Set([0, 2, 3, 4, 5, 9]));
  assert.deepEqual(p, { globs: ['core', 'b0/r0/**', 'b0/r1/tor', 'b1/r0/h0'], ids: [] });
  const b1 = patternsFor(paths, new Set([7, 8, 9]));
  assert.deepEqual(b1.globs, ['b1/**']);
  const flat = Array.from({ length: 40 }, (_, i) => `node${i}`);
  assert.deepEqual(patternsFor(flat, new Set([...Array.from({ length: 20 }, (_, i) => i), 25, 27])), { globs: [], ids: ['0-19', 25, 27] });
  assert.deepEqual(ranges([5, 1, 2, 3, 9, 10]), ['1-3', 5, 9, 10]);
});
