import { Component, defineSpec, SEC, units, z, type Port } from 'splitsim';
import { PRODUCER_BITS, type Publish } from './messages.ts';

const params = z
  .object({
    /** Its index: message ids are index · 2^32 + sequence, unique across producers. */
    index: z.number().int().nonnegative(),
    /** Messages per second (Poisson), with keys drawn uniformly from 0 … keys-1. */
    rate: z.number().positive(),
    keys: z.number().int().positive().default(1),
    /** Brokers it may publish to: ports broker0 …; it starts with broker0. */
    brokers: z.number().int().min(1).default(1),
    /** A publish not acknowledged within this is sent again, to the next broker (fail-over); each further try waits twice as long, up to 8 timeouts. */
    timeout: units.time('1s'),
    /** Publishes waiting for an acknowledgement at most; new ones beyond are given up (`overflow`). */
    window: z.number().int().positive().default(1000),
    /** A refused publish is sent again to the next broker after `backoff` (else dropped). */
    failover: z.boolean().default(true),
    backoff: units.time('100ms'),
    start: units.time('0s'),
    stop: units.time().optional(),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * Publishes messages at a Poisson rate to its current broker and waits for each acknowledgement.
 * On a timeout, or a refusal, it moves to the next broker and sends the message again (at least
 * once: the old broker may have stored it). Publish latency is from the first send to the
 * acknowledgement.
 */
export class Producer extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'producer.broker',
    kinds: ['producer'],
    description: 'Poisson publishes with keys; waits for acknowledgements, fails over to the next broker on a timeout or a refusal',
    ports: ['broker*'],
    params,
    statistics: {
      published: { type: 'counter', description: 'messages published (first sends)' },
      acked: { type: 'counter', description: 'messages acknowledged' },
      publishLatency: { type: 'tally', unit: 'ps', description: 'first send to acknowledgement' },
      timeouts: { type: 'counter', description: 'publishes sent again after a timeout' },
      refusals: { type: 'counter', description: 'publishes refused by a broker' },
      dropped: { type: 'counter', description: 'refused publishes given up (no fail-over)' },
      failovers: { type: 'counter', description: 'moves to the next broker' },
      overflow: { type: 'counter', description: 'publishes given up because `window` were waiting' },
    },
  });

  private readonly ports: Port[] = [];
  private current = 0;
  private seq = 0;
  /** Outstanding messages: id → first send, last send, the broker it went to, tries, key. */
  private readonly outstanding = new Map<number, { first: number; last: number; to: number; tries: number; key: number }>();
  private readonly arrival = this.ctx.timer(() => this.publish());
  private readonly again = this.ctx.timer((id) => this.resend(id));
  private readonly sweep = this.ctx.timer(() => this.retry());
  private readonly published = this.ctx.stats.counter('published');
  private readonly acked = this.ctx.stats.counter('acked');
  private readonly publishLatency = this.ctx.stats.tally('publishLatency');
  private readonly timeouts = this.ctx.stats.counter('timeouts');
  private readonly refusals = this.ctx.stats.counter('refusals');
  private readonly dropped = this.ctx.stats.counter('dropped');
  private readonly failovers = this.ctx.stats.counter('failovers');
  private readonly overflow = this.ctx.stats.counter('overflow');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    for (let i = 0; i < this.params.brokers; i++) this.ports.push(this.ctx.port(`broker${i}`, (num) => this.onAnswer(i, num)));
  }

  override init(): void {
    this.ctx.schedule(this.arrival, this.params.start + this.ctx.rng.exponential(SEC / this.params.rate));
    this.ctx.schedule(this.sweep, this.params.timeout / 2);
  }

  private publish(): void {
    const p = this.params;
    if (p.stop !== undefined && this.ctx.now >= p.stop) return;
    const id = p.index * PRODUCER_BITS + this.seq++;
    const key = this.ctx.rng.int(p.keys);
    this.published.value++;
    if (this.outstanding.size >= p.window) this.overflow.value++;
    else {
      this.outstanding.set(id, { first: this.ctx.now, last: this.ctx.now, to: this.current, tries: 0, key });
      this.send(id, key);
    }
    this.ctx.schedule(this.arrival, this.ctx.rng.exponential(SEC / p.rate));
  }

  private send(id: number, key: number): void {
    const o = this.outstanding.get(id)!;
    o.last = this.ctx.now;
    o.to = this.current;
    this.ports[this.current]!.send(id, { key, t: o.first } satisfies Publish);
  }

  private resend(id: number): void {
    const o = this.outstanding.get(id);
    if (o) this.send(id, o.key);
  }

  private onAnswer(from: number, num: number): void {
    if (num >= 0) {
      const o = this.outstanding.get(num);
      if (!o) return;
      this.outstanding.delete(num);
      this.acked.value++;
      this.publishLatency.add(this.ctx.now - o.first);
      return;
    }
    const id = -1 - num;
    const o = this.outstanding.get(id);
    if (!o) return;
    this.refusals.value++;
    if (!this.params.failover) {
      this.outstanding.delete(id);
      this.dropped.value++;
      return;
    }
    if (from === this.current) this.move();
    // Not at once: a producer that meets full queues everywhere would otherwise resend at link speed.
    o.last = this.ctx.now;
    this.ctx.schedule(this.again, this.params.backoff, id);
  }

  private move(): void {
    this.current = (this.current + 1) % this.ports.length;
    this.failovers.value++;
  }

  private retry(): void {
    const now = this.ctx.now;
    let moved = false;
    for (const [id, o] of this.outstanding) {
      if (now - o.last < this.params.timeout * 2 ** Math.min(o.tries, 3)) continue;
      o.tries++;
      // Move on only from the broker that failed to answer, once (not again for older messages to it).
      if (!moved && o.to === this.current) {
        this.move();
        moved = true;
      }
      this.timeouts.value++;
      this.send(id, o.key);
    }
    const stop = this.params.stop;
    if (stop === undefined || now < stop || this.outstanding.size > 0) this.ctx.schedule(this.sweep, this.params.timeout / 2);
  }
}
