import { Component, defineSpec, distribution, distributionSchema, SEC, units, z, type Distribution } from 'splitsim';
import type { Delivery } from './messages.ts';

const params = z
  .object({
    /** Processing time of one message, seconds (messages are processed side by side). */
    processing: distributionSchema().default({ type: 'deterministic', value: 0 }),
    /** Window of the series of mean latencies `windows` (to see spikes). */
    window: units.time('10s'),
    /** Messages published before this are left out of the latency statistics. */
    warmup: units.time('0s'),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * Receives messages from a broker (port `broker`), processes each for a time drawn from its law
 * and acknowledges it. Counts duplicates (a message processed again: at-least-once delivery),
 * per-key order violations (a message of a key processed after a later-published one of the same
 * key), and end-to-end latency (publish to processed, first processing only), overall, as
 * quantiles and as window means. A crash loses the messages being processed (never
 * acknowledged: the broker delivers them again after the visibility timeout).
 */
export class Consumer extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'consumer.broker',
    kinds: ['consumer'],
    description: 'processes and acknowledges broker messages; counts duplicates and per-key order violations; latency with quantiles and window means',
    ports: ['broker'],
    params,
    crashable: true,
    statistics: {
      processed: { type: 'counter', description: 'messages processed (duplicates included)' },
      duplicates: { type: 'counter', description: 'messages processed again' },
      outOfOrder: { type: 'counter', description: 'messages processed after a later-published message of their key' },
      latency: { type: 'tally', unit: 'ps', description: 'publish to processed, first processing' },
      latencyQ: { type: 'quantiles', unit: 'ps', description: 'the same, as quantiles' },
      windows: { type: 'series', unit: 'ps', description: 'mean latency over each window' },
    },
  });

  private readonly broker = this.ctx.port('broker', (id, ref) => this.onDelivery(id, ref as Delivery));
  private readonly law: Distribution;
  /** Statistics, not state: kept across crashes. */
  private readonly seen = new Set<number>();
  private readonly lastOfKey = new Map<number, number>();
  private windowSum = 0;
  private windowCount = 0;
  private windowEnd: number;
  private readonly done = this.ctx.timer((id, ref) => this.onDone(id, ref as Delivery));
  private readonly processed = this.ctx.stats.counter('processed');
  private readonly duplicates = this.ctx.stats.counter('duplicates');
  private readonly outOfOrder = this.ctx.stats.counter('outOfOrder');
  private readonly latency = this.ctx.stats.tally('latency');
  private readonly latencyQ = this.ctx.stats.quantiles('latencyQ');
  private readonly windows = this.ctx.stats.series('windows');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    this.law = distribution(this.params.processing);
    this.windowEnd = this.params.window;
  }

  private onDelivery(id: number, d: Delivery): void {
    this.ctx.schedule(this.done, this.law.sample(this.ctx.rng) * SEC, id, d);
  }

  private onDone(id: number, d: Delivery): void {
    const now = this.ctx.now;
    this.processed.value++;
    this.broker.send(id);
    if (this.seen.has(id)) {
      this.duplicates.value++;
      return;
    }
    this.seen.add(id);
    const last = this.lastOfKey.get(d.key);
    if (last !== undefined && d.t < last) this.outOfOrder.value++;
    else this.lastOfKey.set(d.key, d.t);
    if (d.t < this.params.warmup) return;
    this.latency.add(now - d.t);
    this.latencyQ.add(now - d.t);
    while (now >= this.windowEnd) this.closeWindow();
    this.windowSum += now - d.t;
    this.windowCount++;
  }

  private closeWindow(): void {
    if (this.windowCount > 0) this.windows.add(this.windowEnd, this.windowSum / this.windowCount);
    this.windowSum = 0;
    this.windowCount = 0;
    this.windowEnd += this.params.window;
  }

  override finish(): void {
    if (this.windowCount > 0) this.closeWindow();
  }
}
