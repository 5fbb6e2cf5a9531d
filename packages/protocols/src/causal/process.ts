import { Component, defineSpec, SEC, units, z, type Port } from 'splitsim';
import { CausalChecker } from './checker.ts';
import type { Multicast } from './messages.ts';

const params = z
  .object({
    /** This process's index; its peers are the ports peer<j>, j ≠ index. */
    index: z.number().int().nonnegative(),
    processes: z.number().int().min(2),
    /** Multicasts per second, Poisson. */
    rate: z.number().positive(),
    stop: units.time().optional(),
    /**
     * none: deliver on receipt (violations show); causal: hold back until causally ready;
     * total: send through the sequencer (port `sequencer`) and deliver in its order.
     */
    delivery: z.enum(['none', 'causal', 'total']).default('causal'),
  })
  .strict()
  .refine((p) => p.index < p.processes, { message: 'index must be below processes', path: ['index'] });

type Params = z.output<typeof params>;

/**
 * A process that multicasts to every other at Poisson times, carrying its vector clock on each
 * message, and delivers what it receives by the chosen rule. A CausalChecker watches the
 * delivery order and counts causality violations (0 under causal and total delivery). The
 * `digest` hashes the delivery order (its own messages included), so equal digests mean the same
 * order: under total delivery every process ends with the same one.
 */
export class VectorClockProcess extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'process.vector-clock',
    kinds: ['process'],
    description: 'multicasts with vector clocks; delivers on receipt, causally (hold-back) or in a sequencer\'s total order; counts causality violations',
    ports: ['peer*', 'sequencer'],
    params,
    statistics: {
      sent: { type: 'counter', description: 'multicasts sent' },
      delivered: { type: 'counter', description: 'messages delivered (its own included)' },
      violations: { type: 'counter', description: 'deliveries before a message of their causal past (0 under causal and total delivery)' },
      latency: { type: 'tally', unit: 'ps', description: 'send to delivery, messages of other processes' },
      holdBack: { type: 'tally', unit: 'ps', description: 'receipt to delivery: time held back' },
      longestHoldBack: { type: 'counter', description: 'most messages held back at once' },
      digest: { type: 'counter', description: 'a hash of the delivery order (32 bits)' },
    },
  });

  private readonly peers: Port[] = [];
  private readonly sequencer = this.ctx.port('sequencer', (_n, ref) => this.onNumbered(ref as Multicast));
  private readonly vc: number[];
  private readonly checker: CausalChecker;
  /** Messages received, not yet delivered, with their receipt times. */
  private held: Array<{ m: Multicast; at: number }> = [];
  private readonly numbered = new Map<number, { m: Multicast; at: number }>();
  private nextSeq = 0;
  private hash = 2166136261;
  private readonly arrival = this.ctx.timer(() => this.multicast());
  private readonly sent = this.ctx.stats.counter('sent');
  private readonly deliveredCount = this.ctx.stats.counter('delivered');
  private readonly violations = this.ctx.stats.counter('violations');
  private readonly latency = this.ctx.stats.tally('latency');
  private readonly holdBack = this.ctx.stats.tally('holdBack');
  private readonly longestHoldBack = this.ctx.stats.counter('longestHoldBack');
  private readonly digest = this.ctx.stats.counter('digest');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const p = this.params;
    this.vc = new Array(p.processes).fill(0);
    this.checker = new CausalChecker(p.processes);
    for (let j = 0; j < p.processes; j++) if (j !== p.index) this.peers.push(this.ctx.port(`peer${j}`, (_n, ref) => this.onReceive(ref as Multicast)));
  }

  override init(): void {
    this.ctx.schedule(this.arrival, this.ctx.rng.exponential(SEC / this.params.rate));
  }

  private multicast(): void {
    const p = this.params;
    if (p.stop !== undefined && this.ctx.now >= p.stop) return;
    this.vc[p.index]!++;
    const m: Multicast = { from: p.index, t: this.ctx.now, vc: this.vc.slice(), seq: -1 };
    this.sent.value++;
    if (p.delivery === 'total') this.sequencer.send(0, m);
    else {
      for (const peer of this.peers) peer.send(0, m);
      this.deliver(m, this.ctx.now);
    }
    this.ctx.schedule(this.arrival, this.ctx.rng.exponential(SEC / p.rate));
  }

  private onReceive(m: Multicast): void {
    if (this.params.delivery === 'none') {
      this.deliver(m, this.ctx.now);
      return;
    }
    this.held.push({ m, at: this.ctx.now });
    if (this.held.length > this.longestHoldBack.value) this.longestHoldBack.value = this.held.length;
    // Deliver every message that has become causally ready, until none is.
    for (let progress = true; progress; ) {
      progress = false;
      for (let i = 0; i < this.held.length; i++) {
        const h = this.held[i]!;
        if (!this.checker.ready(h.m.from, h.m.vc)) continue;
        this.held.splice(i, 1);
        this.deliver(h.m, h.at);
        progress = true;
        break;
      }
    }
  }

  private onNumbered(m: Multicast): void {
    this.numbered.set(m.seq, { m, at: this.ctx.now });
    if (this.numbered.size > this.longestHoldBack.value) this.longestHoldBack.value = this.numbered.size;
    for (let h = this.numbered.get(this.nextSeq); h !== undefined; h = this.numbered.get(this.nextSeq)) {
      this.numbered.delete(this.nextSeq++);
      this.deliver(h.m, h.at);
    }
  }

  private deliver(m: Multicast, receivedAt: number): void {
    const now = this.ctx.now;
    const own = m.from === this.params.index;
    if (own && this.params.delivery !== 'total') this.checker.delivered[m.from]!++;
    else if (!this.checker.deliver(m.from, m.vc)) this.violations.value++;
    for (let k = 0; k < this.vc.length; k++) if (m.vc[k]! > this.vc[k]!) this.vc[k] = m.vc[k]!;
    if (!own) {
      this.latency.add(now - m.t);
      this.holdBack.add(now - receivedAt);
    }
    this.deliveredCount.value++;
    this.hash = Math.imul(this.hash ^ (m.from * 65536 + m.vc[m.from]!), 16777619) >>> 0;
    this.digest.value = this.hash;
  }
}
