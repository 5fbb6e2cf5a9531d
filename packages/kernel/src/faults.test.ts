/**
 * Faults in one engine: a crashed component drops what arrives and loses the timers it set; its
 * hooks run at the transitions, before any other event of its own at that time; a down link
 * drops at the sender; loss draws from the fault stream, never the model's; a delay holds the
 * message and sends it later with the link's latency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Component, defineSpec } from './component.ts';
import { Engine } from './engine.ts';
import type { CrashWindow, FaultSource, LinkFaultWindow } from './faults.ts';

const params = z.object({ every: z.number().int().default(0) }).strict();

/** Ticks every `every` ps (sending its tick count), records what arrives and its transitions. */
class Node extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({ model: 'test.node', kinds: ['test'], description: 'test', ports: ['io'], params, crashable: true });
  readonly got: Array<[number, number]> = [];
  readonly ticks: number[] = [];
  readonly transitions: Array<[string, number]> = [];
  readonly draws: number[] = [];
  private readonly io = this.ctx.port('io', (n) => this.got.push([this.ctx.now, n]));
  private readonly tick = this.ctx.timer((k) => this.fire(k));
  private generation = 0;

  override init(): void {
    this.ctx.onCrash(() => this.transitions.push(['crash', this.ctx.now]));
    this.ctx.onRecover(() => {
      this.transitions.push(['recover', this.ctx.now]);
      this.generation++;
      this.start();
    });
    this.start();
  }

  private start(): void {
    if (this.params.every > 0) this.ctx.schedule(this.tick, this.params.every, this.generation * 1000);
  }

  private fire(k: number): void {
    this.ticks.push(this.ctx.now);
    this.draws.push(this.ctx.rng.next());
    this.io.send(k);
    this.ctx.schedule(this.tick, this.params.every, k + 1);
  }
}

function source(crashes: Record<number, CrashWindow[]>, links: Record<number, LinkFaultWindow[]> = {}): FaultSource {
  return { crashes: (c) => crashes[c], link: (l) => links[l] };
}

function pair(faults: FaultSource | undefined, seed = 1) {
  const e = new Engine(faults ? { seed, faults } : { seed });
  const a = e.add(Node, 0, 'a', params.parse({ every: 100 })) as Node;
  const b = e.add(Node, 1, 'b', params.parse({})) as Node;
  e.connect(a.ctx.ports.get('io')!, b.ctx.ports.get('io')!, 10, 0);
  return { e, a, b };
}

const seg = (from: number, until: number, w: Partial<LinkFaultWindow>): LinkFaultWindow => ({ from, until, down: false, loss: 0, delay: 0, ...w });

test('a crashed receiver drops what arrives while down; its hooks run at the transitions', () => {
  const { e, a, b } = pair(source({ 1: [{ from: 250, until: 520 }] }));
  e.run({ until: 800 });
  // a sends at 100, 200, …; b receives 10 ps later; 310, 410 and 510 fall in [250, 520).
  assert.deepEqual(b.got.map(([t]) => t), [110, 210, 610, 710]);
  assert.deepEqual(b.transitions, [['crash', 250], ['recover', 520]]);
  const stats = e.metrics()[1]!.stats;
  assert.equal(stats['fault.crashes'], 1);
  assert.equal(stats['fault.lost'], 3);
});

test('timers set before a crash never fire; the recover hook restarts the component', () => {
  const { e, a } = pair(source({ 0: [{ from: 250, until: 420 }] }));
  e.run({ until: 800 });
  // Ticks at 100 and 200; the tick due at 300 was set before the crash: gone, even after recovery.
  // Recovered at 420, the hook schedules the next tick 100 ps later.
  assert.deepEqual(a.ticks, [100, 200, 520, 620, 720]);
  assert.deepEqual(a.transitions, [['crash', 250], ['recover', 420]]);
});

test('a crash that never ends silences the component for the rest of the run', () => {
  const { e, a } = pair(source({ 0: [{ from: 150, until: Infinity }] }));
  const r = e.run({ until: 1000 });
  assert.deepEqual(a.ticks, [100]);
  assert.equal(r.reason, 'empty');
});

test('a down link drops at the sender; loss draws from the fault stream; a delay holds messages', () => {
  const down = pair(source({}, { 0: [seg(150, 350, { down: true })] }));
  down.e.run({ until: 600 });
  assert.deepEqual(down.b.got.map(([t]) => t), [110, 410, 510]);
  assert.equal(down.e.metrics()[0]!.stats['fault.dropped'], 2);

  const clean = pair(undefined);
  clean.e.run({ until: 5000 });
  const lossy = pair(source({}, { 0: [seg(0, Infinity, { loss: 0.5 })] }));
  lossy.e.run({ until: 5000 });
  const lost = lossy.e.metrics()[0]!.stats['fault.dropped'] as number;
  assert.ok(lost > 10 && lost < 40, `lost ${lost} of 50`);
  assert.equal(lossy.b.got.length, 50 - lost);
  // The model's own draws are those of the run without faults.
  assert.deepEqual(lossy.a.draws, clean.a.draws);
  const again = pair(source({}, { 0: [seg(0, Infinity, { loss: 0.5 })] }));
  again.e.run({ until: 5000 });
  assert.deepEqual(again.b.got, lossy.b.got);

  const slow = pair(source({}, { 0: [seg(150, 350, { delay: 1000 })] }));
  slow.e.run({ until: 2000 });
  // Sent at 200 and 300, held 1000 ps, then 10 ps on the link; the others as usual.
  assert.deepEqual(slow.b.got.slice(0, 4), [[110, 0], [410, 3], [510, 4], [610, 5]]);
  assert.ok(slow.b.got.some(([t, n]) => t === 1210 && n === 1));
  assert.ok(slow.b.got.some(([t, n]) => t === 1310 && n === 2));
  assert.equal(slow.e.metrics()[0]!.stats['fault.delayed'], 2);
  // Held messages are not the model's events.
  const same = pair(undefined);
  same.e.run({ until: 2000 });
  assert.equal(slow.e.metrics()[0]!.events, same.e.metrics()[0]!.events);
});
