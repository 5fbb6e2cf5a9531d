// The profiler on recorded logs (test/fixtures/profile-*, made by test/profiler-synthetic.ts):
// the bottleneck is found and confirmed by its neighbours' edges, a balanced run names none, the
// figures follow from the counters, and the four output files are written and agree.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import { analyseRun, colourScale, profileRun, summaryText, waitColour, type Wtpg, type WtpgJson } from '@splitsim/profiler';
import { FIXTURES, synthesize } from './profiler-synthetic.ts';

// Every temporary directory of this file lives under one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-profiler-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** A fixture copied to a temporary directory, so that written outputs never land in the tree. */
function copyOf(name: string): string {
  const dir = join(mkdtempSync(join(scratch, 'splitsim-profiler-')), name);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

/** The target of `node`'s largest outgoing edge. */
function largestEdgeTarget(graph: Wtpg, node: string): string {
  let best = '';
  let share = -1;
  graph.forEachOutEdge(node, (_e, attrs, _s, target) => {
    if (attrs.waitShare > share) {
      share = attrs.waitShare;
      best = target;
    }
  });
  return best;
}

test('unbalanced PHOLD: the 4× loaded instance is the bottleneck and every neighbour waits most for it', () => {
  const { summary, graph } = analyseRun(fixture('profile-unbalanced4'));
  assert.deepEqual(summary.bottlenecks, ['i0']);
  assert.equal(summary.balanced, false);
  const lowest = [...summary.instances].sort((a, b) => a.waitShare - b.waitShare)[0]!;
  assert.equal(lowest.instance, 'i0');
  for (const n of ['i1', 'i2', 'i3']) {
    assert.ok(graph.hasDirectedEdge(n, 'i0'), `${n} has an edge to i0`);
    assert.equal(largestEdgeTarget(graph, n), 'i0', `${n}'s largest edge points to i0`);
  }
  assert.ok(summary.waitingOn['i0']!.every((w) => w.largest));
  assert.deepEqual(summary.idle.sort(), ['i1', 'i2', 'i3']);
  // Red for the bottleneck: it waits least, so it sits at the red end of the run's own scale.
  const scale = graph.getAttribute('colourScale');
  assert.equal(scale.lo, lowest.waitShare);
  assert.equal(graph.getNodeAttribute('i0', 'color'), waitColour(lowest.waitShare, scale));
  assert.equal(graph.getNodeAttribute('i0', 'color'), waitColour(0), 'drawn the reddest red');
  assert.equal(graph.getNodeAttribute('i0', 'role'), 'bottleneck');
  const split = summary.advice.find((a) => a.kind === 'split');
  assert.ok(split && split.instances[0] === 'i0' && /does about 4\.0× their work \(and executes 4\.0× their events\); split it into up to 4 instances/.test(split.text), split?.text);
  assert.ok(summary.speed.agree, 'synchronized instances agree on the speed');
});

test('balanced PHOLD: no outlier, no bottleneck named', () => {
  const { summary, graph } = analyseRun(fixture('profile-balanced4'));
  assert.equal(summary.balanced, true);
  assert.deepEqual(summary.bottlenecks, []);
  assert.deepEqual(summary.idle, []);
  assert.ok(summary.spread < 0.15, `wait shares within ${summary.spread}`);
  graph.forEachNode((_n, a) => assert.equal(a.role, 'other'));
  assert.ok(summary.advice.some((a) => a.kind === 'balanced'));
  assert.ok(!summary.advice.some((a) => a.kind === 'split' || a.kind === 'merge'));
});

test('36-instance datacenter: the rack with the detailed hosts is the bottleneck, its block waits most for it', () => {
  const { summary, graph } = analyseRun(fixture('profile-dc36'));
  assert.equal(summary.instances.length, 36);
  assert.deepEqual(summary.bottlenecks, ['ab3.r2']);
  assert.equal(largestEdgeTarget(graph, 'ab3'), 'ab3.r2');
  // One hop further out, the racks under ab3 wait for ab3, which is itself held up by ab3.r2.
  assert.equal(largestEdgeTarget(graph, 'ab3.r0'), 'ab3');
  assert.equal(graph.order, 36);
  assert.equal(graph.size, 2 * 35, 'a pair of opposite edges per channel');
  assert.ok(summary.advice.some((a) => a.kind === 'merge'));
});

test('figures follow from the counters: speed, efficiency, shares and events per second over the window', () => {
  // profile-trim: 6 lines of 1 s; lines 2-5 are steady: +10 ms simulated, +1000 events, a waits
  // 0.5 s, b 0.1 s, each spends 0.1 s receiving, 0.05 s sending, 0.05 s syncing per second.
  const { summary } = analyseRun(fixture('profile-trim'));
  const a = summary.instances.find((i) => i.instance === 'a')!;
  const b = summary.instances.find((i) => i.instance === 'b')!;
  assert.deepEqual([a.window.fromLine, a.window.toLine, a.window.samples], [2, 5, 4]);
  assert.equal(a.window.wallSeconds, 3);
  assert.ok(Math.abs(summary.speed.value - 0.01) < 1e-12, `speed ${summary.speed.value}`);
  assert.ok(Math.abs(a.waitShare - 0.5) < 1e-9);
  assert.ok(Math.abs(a.efficiency - 0.3) < 1e-9);
  assert.ok(Math.abs(b.waitShare - 0.1) < 1e-9);
  assert.ok(Math.abs(b.efficiency - 0.7) < 1e-9);
  assert.ok(Math.abs(a.eventsPerSecond - 1000) < 1e-9);
  assert.equal(a.channels[0]!.txMsgs, 30);
  assert.equal(summary.config, null, 'no plan.json: the profile still works');
  assert.deepEqual(summary.bottlenecks, ['b'], 'b waits 10 %, a 50 % for it');
});

test('profileRun writes wtpg.json (graphology), wtpg.dot, wtpg.svg and a self-contained wtpg.html', async () => {
  const dir = copyOf('profile-unbalanced4');
  const summary = await profileRun(dir);
  const text = summaryText(summary);
  for (const f of ['wtpg.json', 'wtpg.dot', 'wtpg.svg', 'wtpg.html']) assert.ok(existsSync(join(dir, f)), f);
  assert.deepEqual(summary.outputs, { json: join(dir, 'wtpg.json'), dot: join(dir, 'wtpg.dot'), svg: join(dir, 'wtpg.svg'), html: join(dir, 'wtpg.html') });

  const json = JSON.parse(readFileSync(join(dir, 'wtpg.json'), 'utf8')) as WtpgJson;
  assert.deepEqual(json.bottlenecks, ['i0']);
  assert.equal(json.speed.value, summary.speed.value);
  const graph = MultiDirectedGraph.from(json);
  assert.equal(graph.order, 4);
  assert.equal(graph.size, 12);
  graph.forEachNode((_n, attrs) => {
    assert.equal(typeof attrs.waitShare, 'number');
    assert.equal(typeof attrs.efficiency, 'number');
  });
  graph.forEachEdge((_e, attrs) => assert.equal(typeof attrs.waitShare, 'number'));

  const dot = readFileSync(join(dir, 'wtpg.dot'), 'utf8');
  assert.match(dot, /^digraph wtpg \{/);
  assert.equal(dot.match(/^  "[^"]+" -> "[^"]+" \[/gm)?.length, 12);
  assert.match(dot, /BOTTLENECK/);

  const svg = readFileSync(join(dir, 'wtpg.svg'), 'utf8');
  assert.match(svg, /<svg[\s\S]*<\/svg>\s*$/);
  for (let i = 0; i < 4; i++) assert.match(svg, new RegExp(`<g id="n${i}" class="node"`));

  const html = readFileSync(join(dir, 'wtpg.html'), 'utf8');
  assert.match(html, /Bottleneck: <b>i0<\/b>/);
  // Self-contained: nothing is loaded from anywhere.
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/)/);

  assert.match(text, /bottleneck +i0: waits/);
  assert.match(text, /most idle +i\d waits/);
  assert.match(text, /split i0/);
  assert.match(text, /merge i\d and i\d/);
});

test('warm-up and cool-down samples change the window, and the speed with it', () => {
  const all = analyseRun(fixture('profile-trim'), { warmup: 0, cooldown: 0 }).summary;
  const a = all.instances.find((i) => i.instance === 'a')!;
  assert.deepEqual([a.window.fromLine, a.window.toLine], [1, 6]);
  // Lines 1 to 6: 5 s of wall time, 4 steady seconds of 10 ms plus the final 1 ms.
  assert.ok(Math.abs(all.speed.value - 0.041 / 5) < 1e-12, `speed ${all.speed.value}`);
  const trimmed = analyseRun(fixture('profile-trim'), { warmup: 2, cooldown: 2 }).summary;
  assert.deepEqual([trimmed.instances[0]!.window.fromLine, trimmed.instances[0]!.window.toLine], [3, 4]);
});

test('windows are aligned in wall time: a busy instance that samples rarely still gets the speed of the others', () => {
  // Two instances in lockstep over 10 s: 1 µs simulated per wall second for the first 2 s (start-up),
  // then 10 µs/s. `a` samples every second; `b`, busy, only at 2.5 s, 6 s and 10 s (final).
  const dir = mkdtempSync(join(scratch, 'splitsim-profile-align-'));
  mkdirSync(join(dir, 'profile'));
  const start = 1_700_000_000_000_000_000;
  const simAt = (t: number) => Math.round((t <= 2 ? t : 2 + (t - 2) * 10) * 1e6); // ps
  const write = (inst: string, peer: string, times: number[]) =>
    writeFileSync(join(dir, 'profile', `${inst}.jsonl`), times.map((t, k) => JSON.stringify({
      v: 1, instance: inst, wallNs: start + t * 1e9, startNs: start, simPs: simAt(t), events: Math.round(t * 1000),
      channels: [{ channel: 'a~b', peer, waitNs: Math.round(t * 1e8), rxNs: 0, txNs: 0, syncNs: 0, rxMsgs: 0, txMsgs: 0, syncMsgs: 0 }],
      final: k === times.length - 1, ...(k === times.length - 1 ? { status: 'completed' } : {}),
    })).join('\n') + '\n');
  write('a', 'b', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  write('b', 'a', [2.5, 6, 10]);
  const early = analyseRun(dir, { warmup: 0, cooldown: 0, align: false }).summary;
  assert.equal(early.speed.agree, false, `a's window (from 1 s) includes the slow start, b's (from 2.5 s) hardly: ${JSON.stringify(early.speed.byInstance)}`);
  const aligned = analyseRun(dir, { warmup: 0, cooldown: 0 }).summary;
  assert.equal(aligned.speed.agree, true, JSON.stringify(aligned.speed.byInstance));
  assert.deepEqual(aligned.instances.map((i) => [i.instance, i.window.fromLine, i.window.toLine]), [['a', 3, 10], ['b', 1, 3]]);
  assert.ok(Math.abs(aligned.speed.value - 10e-6) < 0.2e-6, `speed ${aligned.speed.value}`);
});

test('a small surplus is advised to move to the waiting neighbours, not to be split off', () => {
  const dir = join(mkdtempSync(join(scratch, 'splitsim-profile-move-')), 'run');
  synthesize({ ...FIXTURES['profile-unbalanced4']!, instances: [{ name: 'i0', components: 100, work: 1.25 }, ...['i1', 'i2', 'i3'].map((name) => ({ name, components: 100, work: 1 }))] }, dir);
  const { summary } = analyseRun(dir);
  assert.deepEqual(summary.bottlenecks, ['i0']);
  const move = summary.advice.find((a) => a.kind === 'move');
  assert.ok(move, JSON.stringify(summary.advice));
  assert.match(move.text, /^rebalance i0: .* does about 1\.2× their work .*; move about 2\d % of its components \(about 2\d of its 100\) to the instances that wait most for it \(i\d, i\d, i\d\)/);
  assert.ok(!summary.advice.some((a) => a.kind === 'split'));
});

test('node colours span the run\'s own range of wait shares, but a balanced run stays one colour', () => {
  // The demo's trial: instances waiting 67 to 83 % were all green on the absolute scale.
  const demo = colourScale([0.67, 0.75, 0.83]);
  assert.deepEqual([waitColour(0.67, demo), waitColour(0.83, demo)], [waitColour(0), waitColour(1)], 'busiest red, most idle green');
  assert.notEqual(waitColour(0.67), waitColour(0.67, demo));
  // Balanced (1 % apart): widened to the outlier threshold, both near the middle, neither red nor green.
  const balanced = colourScale([0.78, 0.79]);
  assert.ok(Math.abs(balanced.hi - balanced.lo - 0.15) < 1e-12);
  for (const share of [0.78, 0.79]) {
    const c = waitColour(share, balanced);
    const [r, g] = [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16)];
    assert.ok(Math.abs(r - g) < 40, `${share}: ${c} is yellowish`);
  }
  assert.deepEqual(colourScale([0.01, 0.02]), { lo: 0, hi: 0.15 }, 'kept within [0, 1]');
});
