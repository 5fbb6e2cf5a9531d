import { z } from 'zod';
import { serializationTime, SplitSimError, type Context, type Counter, type Port, type Tally } from '@splitsim/kernel';
import { F_CE, F_ECT, type Packet } from './packet.ts';

/** Output-queue parameters, shared by switches, protocol hosts and detailed NICs. */
export const queueParams = z
  .object({
    /** What the capacity and the marking threshold count. */
    unit: z.enum(['packets', 'bytes']).default('packets'),
    /** Most packets (or bytes) a port holds, the one on the wire included; arrivals beyond it are dropped (drop-tail). */
    capacity: z.number().int().positive().default(100),
    /** Mark Congestion Experienced on ECN-capable packets that find at least this many packets (bytes) queued. Off by default. */
    ecnThreshold: z.number().int().positive().optional(),
  })
  .strict();

export type QueueParams = z.output<typeof queueParams>;

/**
 * The output side of one or more ports: a FIFO per port, drop-tail in packets or bytes, optional
 * ECN marking, and the wire, which takes serializationTime(size, rate) per packet before the
 * packet is sent on the port (the link then adds its propagation latency). Two events per packet
 * per hop: the end of its transmission here and its arrival at the peer.
 *
 * The queues are rings of packet references with per-port counters in typed arrays, so queueing
 * allocates nothing per packet.
 */
export class Egress {
  private readonly rings: Array<Array<Packet | null>>;
  private readonly head: Int32Array;
  private readonly count: Int32Array;
  private readonly bytes: Float64Array;
  private readonly busy: Uint8Array;
  private readonly rate: Float64Array;
  private readonly byBytes: boolean;
  private readonly capacity: number;
  private readonly threshold: number;
  private readonly txDone: number;

  readonly txPackets: Counter;
  readonly txBytes: Counter;
  /** Packets dropped because the port's queue was full (drop-tail). */
  readonly drops: Counter;
  readonly ecnMarks: Counter;
  /** Time from joining a queue to the start of transmission, ps. */
  readonly wait: Tally;
  /** Packets still queued (or on the wire leaving this component) when the run ended. */
  readonly queuedAtEnd: Counter;

  /**
   * `rates[i]` is the bandwidth of the link on `ports[i]` in bits per second, 0 where the port is
   * not joined to a network link.
   */
  constructor(
    private readonly ctx: Context,
    private readonly ports: readonly Port[],
    rates: readonly number[],
    queue: QueueParams,
    /** Called after each packet leaves a port (hosts use it to let blocked senders go on). */
    private readonly onSent: ((port: number) => void) | null = null,
  ) {
    const stats = ctx.stats;
    this.txPackets = stats.counter('txPackets');
    this.txBytes = stats.counter('txBytes');
    this.drops = stats.counter('drops');
    this.ecnMarks = stats.counter('ecnMarks');
    this.wait = stats.tally('queueWait');
    this.queuedAtEnd = stats.counter('queuedAtEnd');
    const n = ports.length;
    this.rings = Array.from({ length: n }, () => new Array<Packet | null>(8).fill(null));
    this.head = new Int32Array(n);
    this.count = new Int32Array(n);
    this.bytes = new Float64Array(n);
    this.busy = new Uint8Array(n);
    this.rate = Float64Array.from(rates);
    this.byBytes = queue.unit === 'bytes';
    this.capacity = queue.capacity;
    this.threshold = queue.ecnThreshold ?? Infinity;
    this.txDone = ctx.timer((port) => this.transmitted(port));
  }

  /** Packets (the one on the wire included) at port `i`. */
  length(i: number): number {
    return this.count[i]!;
  }

  /** Queues `p` for transmission on port `i`; returns false (and counts a drop) when the queue is full. */
  enqueue(i: number, p: Packet): boolean {
    const n = this.count[i]!;
    const level = this.byBytes ? this.bytes[i]! : n;
    if (level + (this.byBytes ? p.size : 1) > this.capacity) {
      this.drops.value++;
      return false;
    }
    if (level >= this.threshold && (p.flags & F_ECT) !== 0 && (p.flags & F_CE) === 0) {
      p.flags |= F_CE;
      this.ecnMarks.value++;
    }
    let ring = this.rings[i]!;
    if (n === ring.length) ring = this.grow(i);
    ring[(this.head[i]! + n) & (ring.length - 1)] = p;
    this.count[i] = n + 1;
    this.bytes[i] += p.size;
    p.enq = this.ctx.now;
    if (this.busy[i] === 0) this.start(i, p);
    return true;
  }

  /**
   * Sends `p` on idle port `i` as if it had joined the queue serializationTime(size) ago and its
   * transmission ended now. Only for an owner that is the port's sole source and knows the port
   * was idle all that time (ProtocolHost's single constant-rate stream).
   */
  sendNow(i: number, p: Packet): void {
    if (this.busy[i] !== 0) throw new SplitSimError('E_COMPONENT', `${this.ctx.path}: port "${this.ports[i]!.name}" is busy; sendNow() is for an idle port`, { component: this.ctx.path, port: this.ports[i]!.name });
    this.wait.add(0);
    this.txPackets.value++;
    this.txBytes.value += p.size;
    this.ports[i]!.send(0, p);
  }

  /** Time to put `bytes` on port `i`'s wire, ps. */
  serialization(i: number, bytes: number): number {
    return serializationTime(bytes, this.rate[i]!);
  }

  private start(i: number, p: Packet): void {
    const bps = this.rate[i]!;
    if (!(bps > 0)) this.noRate(i);
    this.busy[i] = 1;
    this.wait.add(this.ctx.now - p.enq);
    this.ctx.schedule(this.txDone, serializationTime(p.size, bps), i);
  }

  /** The head packet of port `i` is fully on the wire: send it, start the next. */
  private transmitted(i: number): void {
    const ring = this.rings[i]!;
    const h = this.head[i]!;
    const p = ring[h]!;
    ring[h] = null;
    const mask = ring.length - 1;
    this.head[i] = (h + 1) & mask;
    const left = --this.count[i]!;
    this.bytes[i] -= p.size;
    this.txPackets.value++;
    this.txBytes.value += p.size;
    this.ports[i]!.send(0, p);
    if (left > 0) this.start(i, ring[(h + 1) & mask]!);
    else this.busy[i] = 0;
    if (this.onSent !== null) this.onSent(i);
  }

  private grow(i: number): Array<Packet | null> {
    const old = this.rings[i]!;
    const n = old.length;
    const next = new Array<Packet | null>(2 * n).fill(null);
    const h = this.head[i]!;
    for (let k = 0; k < n; k++) next[k] = old[(h + k) & (n - 1)]!;
    this.rings[i] = next;
    this.head[i] = 0;
    return next;
  }

  /** Settles queuedAtEnd; call from the owner's finish(). */
  finish(): void {
    let q = 0;
    for (let i = 0; i < this.count.length; i++) q += this.count[i]!;
    this.queuedAtEnd.value = q;
  }

  private noRate(i: number): never {
    const port = this.ports[i]!;
    throw new SplitSimError('E_CONFIG', `${this.ctx.path}: port "${port.name}" has no bandwidth; give its link a bandwidth and call routeNetwork(system) before instantiating`, { component: this.ctx.path, port: port.name });
  }
}
