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
