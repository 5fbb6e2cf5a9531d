import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Component, defineSpec } from './component.ts';
import { Engine } from './engine.ts';
import { SimulationError } from './errors.ts';
import { SAME_TIME_LIMIT } from './run-guards.ts';
import { US } from './time.ts';

const params = z.object({ start: z.number(), burst: z.number().int().default(0), loop: z.boolean().default(false), bursts: z.number().int().default(1), far: z.number().default(0) }).strict();

/**
 * At `start`: `burst` events at that very time (a legitimate burst, finite), repeated `bursts` times 1 µs
 * apart; with `loop`, then reschedules itself 0.4 ps later forever (0 once rounded): the bug a
 * retransmission timer with fractional picoseconds had. With `far`, sends one message that far ahead.
 */
class Ticker extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({ model: 'test.ticker', kinds: ['test'], description: 'test', ports: ['io'], params });
  private readonly io = this.ctx.port('io', () => {});
  private readonly begin = this.ctx.timer((k) => this.fire(k));
  /** A chain of `left` more events at this time, each scheduling the next. */
  private readonly chain = this.ctx.timer((left) => {
    if (left > 0) this.ctx.schedule(this.chain, 0, left - 1);
  });
  private readonly again = this.ctx.timer(() => this.ctx.schedule(this.again, 0.4));

  override init(): void {
    this.ctx.schedule(this.begin, this.params.start, 0);
  }

  private fire(k: number): void {
    if (this.params.burst > 0) this.ctx.schedule(this.chain, 0, this.params.burst - 1);
    if (k + 1 < this.params.bursts) this.ctx.schedule(this.begin, US, k + 1);
    if (this.params.loop) this.ctx.schedule(this.again, 0);
    if (this.params.far > 0) this.io.sendAfter(this.params.far, 0);
  }
}

function engine(...tickers: Array<[string, z.input<typeof params>]>): Engine {
  const e = new Engine({ seed: 1 });
  const cs = tickers.map(([path, p], i) => e.add(Ticker, i, path, params.parse(p)));
  if (cs.length === 2) e.connect(cs[0]!.ctx.ports.get('io')!, cs[1]!.ctx.ports.get('io')!, 10);
  return e;
}

test('a component that keeps scheduling at one simulated time fails the run, named, with the time', () => {
  const e = engine(['noisy', { start: 5 * US, burst: 10_000 }], ['tcp/host7', { start: 5 * US, loop: true }]);
  assert.throws(
    () => e.run(),
    (err: unknown) =>
      err instanceof SimulationError && err.component === 'tcp/host7' && err.time === 5 * US && err.details.cause === 'E_SCHEDULE' &&
      /tcp\/host7 failed at 5us .*simulated time stopped moving: [\d,]+ events at 5us, 100 % of the last [\d,]+ executed by tcp\/host7/.test(err.message),
  );
});

test('the loop is caught across the small slices a parallel instance runs', () => {
  const e = engine(['loop', { start: 0, loop: true }]);
  e.start();
  assert.throws(() => {
    for (;;) e.runBefore(1, 256);
  }, (err: unknown) => err instanceof SimulationError && err.component === 'loop' && err.time === 0);
});

test('bursts at one time below the limit run, again and again, once time moves on', () => {
  const burst = Math.ceil(SAME_TIME_LIMIT * 0.75);
  const e = engine(['burst', { start: US, burst, bursts: 2 }]);
  const r = e.run();
  assert.equal(r.reason, 'empty');
  assert.equal(e.executed, 2 * (burst + 1));
});

test('an event past 2^53 ps fails the run with the overflow error, naming who scheduled it', () => {
  const far = engine(['src', { start: 3 * US, far: 2 ** 53 }], ['dst', { start: 2 * US }]);
  assert.throws(
    () => far.run(),
    (err: unknown) => err instanceof SimulationError && err.component === 'src' && err.details.cause === 'E_TIME_RANGE' && /component src failed at 3us .*past 2\^53 ps/.test(err.message),
  );
  // Up to MAX_TIME (2^53 - 1 ps) itself is fine.
  assert.equal(engine(['src', { start: 3 * US, far: 2 ** 53 - 1 - 3 * US - 10 }], ['dst', { start: 0 }]).run().reason, 'empty');
});
