import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Component, defineSpec } from './component.ts';
import { Engine } from './engine.ts';
import { SimulationError, SplitSimError } from './errors.ts';

const pingParams = z.object({ count: z.number().int(), gap: z.number().int(), failAt: z.number().int().default(-1) }).strict();

/** Sends `count` numbered messages at random gaps, echoes what it receives, records arrivals. */
class Pinger extends Component<z.output<typeof pingParams>> {
  static readonly spec = defineSpec({ model: 'test.pinger', kinds: ['test'], description: 'test', ports: ['io'], params: pingParams });
  private readonly io = this.ctx.port('io', (n) => this.receive(n));
  private readonly tick = this.ctx.timer((k) => this.fire(k));
  readonly got: Array<[number, number]> = [];
  private readonly arrivals = this.ctx.stats.tally('arrivals');

  override init(): void {
    if (this.params.count > 0) this.ctx.schedule(this.tick, this.params.gap, 0);
  }

  private fire(k: number): void {
    if (k === this.params.failAt) throw new Error('deliberate failure');
    this.io.send(k);
    if (k + 1 < this.params.count) this.ctx.schedule(this.tick, this.ctx.rng.int(this.params.gap) + 1, k + 1);
  }

  private receive(n: number): void {
    this.got.push([this.ctx.now, n]);
    this.arrivals.add(this.ctx.now);
    if (n >= 0) this.io.send(-1 - n);
  }
}

function pair(seed: number, latency = 100, a = { count: 50, gap: 7 }, b = { count: 30, gap: 11 }) {
  const e = new Engine({ seed });
  const x = e.add(Pinger, 0, 'x', pingParams.parse(a)) as Pinger;
  const y = e.add(Pinger, 1, 'y', pingParams.parse(b)) as Pinger;
  e.connect(x.ctx.ports.get('io')!, y.ctx.ports.get('io')!, latency);
  return { e, x, y };
}

test('messages are delivered after the link latency, both ways', () => {
  const { e, x, y } = pair(1, 100, { count: 1, gap: 5 }, { count: 0, gap: 1 });
  const r = e.run();
  assert.equal(r.reason, 'empty');
  assert.deepEqual(y.got, [[105, 0]]);
  assert.deepEqual(x.got, [[205, -1]]);
  assert.equal(e.executed, 3); // x's timer, then one delivery each way
});

test('the same seed gives identical results twice; another seed differs', () => {
  const run = (seed: number) => {
    const { e } = pair(seed);
    e.run();
    return JSON.stringify(e.metrics());
  };
  assert.equal(run(9), run(9));
  assert.notEqual(run(9), run(10));
});

test('stops at an end time, an event count, or when a component says so', () => {
  const a = pair(1);
  const r1 = a.e.run({ until: 300 });
  assert.equal(r1.reason, 'until');
  assert.equal(r1.now, 300);
  assert.ok(a.x.got.every(([t]) => t <= 300));

  const b = pair(1);
  const r2 = b.e.run({ maxEvents: 10 });
  assert.equal(r2.reason, 'maxEvents');
  assert.equal(r2.events, 10);

  const c = pair(1);
  c.e.contexts[0]!.stop('enough');
  const r3 = c.e.run();
  assert.equal(r3.reason, 'stopped');
  assert.equal(r3.message, 'enough');
});

test('an exception in a component names the component, the simulated time and the event', () => {
  const e = new Engine({ seed: 1 });
  const x = e.add(Pinger, 0, 'rack1/host3', pingParams.parse({ count: 10, gap: 5, failAt: 3 })) as Pinger;
  const y = e.add(Pinger, 1, 'sink', pingParams.parse({ count: 0, gap: 1 })) as Pinger;
  e.connect(x.ctx.ports.get('io')!, y.ctx.ports.get('io')!, 10);
  assert.throws(
    () => e.run(),
    (err: unknown) => err instanceof SimulationError && err.component === 'rack1/host3' && err.time > 0 && /rack1\/host3 failed at .* \(event \d+\): deliberate failure/.test(err.message),
  );
});

test('port misuse is reported by component and port', () => {
  const e = new Engine({ seed: 1 });
  const x = e.add(Pinger, 0, 'lonely', pingParams.parse({ count: 1, gap: 1 })) as Pinger;
  assert.throws(() => e.run(), (err: unknown) => err instanceof SimulationError && /lonely: cannot send on port "io": it is not joined to any link/.test(err.message));
  assert.throws(() => x.ctx.port('nope'), (err: unknown) => err instanceof SplitSimError && /lonely: model test.pinger has no port "nope" \(ports: io\)/.test(err.message));
  assert.throws(() => x.ctx.schedule(0, -5), /delays must be ≥ 0/);
  assert.throws(() => new Engine({ seed: 1 }).add(Pinger, 2 ** 21, 'big', pingParams.parse({ count: 1, gap: 1 })), /big: component id 2097152 is outside/);
});

test('counts events per component', () => {
  const { e } = pair(3);
  e.run();
  const m = e.metrics();
  assert.equal(m[0]!.events + m[1]!.events, e.executed);
  assert.equal(m[0]!.path, 'x');
  assert.ok(m[0]!.events > 0 && m[1]!.events > 0);
});

const lazyParams = z.object({ timers: z.number().int(), counted: z.boolean().default(true), loopAt: z.number().int().default(-1) }).strict();

/**
 * Registers a new timer at each of `timers` ticks, while the run goes on, and fires it once: a
 * model that creates handlers lazily. It counts what it executes, as the metrics should. With
 * `loopAt`, keeps scheduling at that time once reached (a zero-time loop).
 */
class Lazy extends Component<z.output<typeof lazyParams>> {
  static readonly spec = defineSpec({ model: 'test.lazy', kinds: ['test'], description: 'test', ports: [], params: lazyParams });
  private readonly tick = this.ctx.timer((k) => this.fire(k));
  private readonly again = this.ctx.timer(() => this.loop());
  counted = 0;
  uncounted = 0;

  override init(): void {
    this.ctx.schedule(this.tick, 10, 0);
  }

  private fire(k: number): void {
    this.counted++;
    const counted = this.params.counted;
    const late = this.ctx.timer(() => (counted ? this.counted++ : this.uncounted++), { counted });
    this.ctx.schedule(late, 5);
    if (k + 1 < this.params.timers) this.ctx.schedule(this.tick, 10, k + 1);
    if (this.ctx.now === this.params.loopAt) this.ctx.schedule(this.again, 0);
  }

  private loop(): void {
    this.counted++;
    this.ctx.schedule(this.again, 0);
  }
}

function lazyPair(a: z.input<typeof lazyParams>, b: z.input<typeof lazyParams>) {
  const e = new Engine({ seed: 1 });
  const x = e.add(Lazy, 0, 'x', lazyParams.parse(a)) as Lazy;
  const y = e.add(Lazy, 1, 'y', lazyParams.parse(b)) as Lazy;
  return { e, x, y };
}

test('handlers added during the run count their events, and every other handler keeps counting', () => {
  // 2 × 300 timers added mid-run: the per-handler table grows several times while the loop runs.
  const check = (e: Engine, x: Lazy, y: Lazy) => {
    const [mx, my] = e.metrics();
    assert.equal(mx!.events, x.counted);
    assert.equal(my!.events, y.counted);
    assert.equal(e.executed, x.counted + y.counted + y.uncounted);
    const { counted, uncounted } = e.eventsByComponent();
    assert.deepEqual([...counted], [x.counted, y.counted]);
    assert.deepEqual([...uncounted], [0, y.uncounted]);
    return JSON.stringify(e.metrics());
  };
  const one = lazyPair({ timers: 300 }, { timers: 300, counted: false });
  one.e.run();
  assert.equal(one.y.uncounted, 300);
  const whole = check(one.e, one.x, one.y);

  // The same run in the small slices a parallel instance runs gives the same metrics.
  const sliced = lazyPair({ timers: 300 }, { timers: 300, counted: false });
  sliced.e.start();
  for (let t = 0; sliced.e.nextTime() < Infinity; t += 7) sliced.e.runBefore(t);
  sliced.e.finish();
  assert.equal(check(sliced.e, sliced.x, sliced.y), whole);
});

test('a zero-time loop after handlers were added mid-run still names the looping component', () => {
  const { e } = lazyPair({ timers: 300 }, { timers: 300, loopAt: 3000 });
  assert.throws(() => e.run(), (err: unknown) => err instanceof SimulationError && err.component === 'y' && /executed by y/.test(err.message));
});
