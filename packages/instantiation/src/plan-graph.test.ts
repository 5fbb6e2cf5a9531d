import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crK, instantiate, manual, planGraph, planToDot, summarizePlan } from '@splitsim/instantiation';
import { datacenter, hostPath } from '@splitsim/system';
import { networkRules } from '../../../test/support/stand-ins.ts';

// One TCP flow from the first host to the last: the core carries it one way and its acknowledgements back.
const system = datacenter({ blocks: 2, racksPerBlock: 3, hostsPerRack: 4, host: (slot) => ({ apps: slot.index === 0 ? [{ type: 'tcp-bulk', dst: hostPath(1, 2, 3) }] : [{ type: 'tcp-sink' }] }) }).system;
const plan = instantiate(system, { models: networkRules(), partition: crK(2), placement: (i) => (i.index === 0 ? 'process' : 'thread') }, { config: 'dc', instantiation: 'cr2', seed: 1 });

test('the plan graph: a node per instance, an edge per channel, with their figures', () => {
  const g = planGraph(plan);
  assert.deepEqual(g.nodes(), ['core', 'racks0-1', 'racks2-3', 'racks4-5']);
  assert.equal(g.size, 3);
  assert.deepEqual(g.getNodeAttributes('racks0-1'), { id: 1, placement: 'thread', components: 10, byKind: { host: 8, switch: 2 }, byModel: { 'host.protocol': 8, 'switch.packet': 2 } });
  assert.deepEqual(g.getEdgeAttributes('core↔racks2-3'), { id: 1, links: 2, lookahead: 500_000, syncInterval: 500_000 });
  assert.equal(g.getAttribute('instantiation'), 'cr2');
});

test('DOT: one node and one labelled edge per instance and channel, names quoted', () => {
  const dot = planToDot(plan);
  assert.match(dot, /^graph "dc\/cr2" \{\n/);
  assert.match(dot, /\n {2}"core" \[label="core\\n3 components: switch 3\\nprocess"\];\n/);
  assert.match(dot, /\n {2}"core" -- "racks4-5" \[label="2 links\\nlookahead 500ns"\];\n/);
  assert.equal(dot.match(/ -- /g)!.length, 3);
  const odd = instantiate(system, { models: networkRules(), partition: manual({ 'a.b+c-d': '**' }) }, { config: 'dc', instantiation: 'x', seed: 1 });
  assert.match(planToDot(odd), /"a\.b\+c-d" \[label="a\.b\+c-d\\n/);
});

test('the summary counts components by kind and placement, cut links and lookahead', () => {
  const s = summarizePlan(plan);
  assert.deepEqual(s.totals, {
    components: system.components.length,
    byKind: [['host', 24], ['switch', 9]],
    links: system.links.length,
    cutLinks: 6,
    instances: 4,
    byPlacement: [['thread', 3], ['process', 1]],
    channels: 3,
    minLookahead: 500_000,
  });
  assert.deepEqual(s.channels[0], { id: 0, name: 'core↔racks0-1', links: 2, lookahead: 500_000, syncInterval: 500_000, carriesAB: true, carriesBA: true });
});
