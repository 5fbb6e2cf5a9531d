import { z } from 'zod';
import { serializationTime, SplitSimError, type Context, type Counter, type Port, type Tally } from '@splitsim/kernel';
import { LINK_STATISTICS, LinkRecorder, type EgressView } from './link-recorder.ts';
import { doubles, TALLY, tallyAdd, tallyInto, tallyStart } from './running.ts';
import { F_CE, F_ECT, wireWord, wordMarkable, wordMarked, wordSize, type Packet } from './packet.ts';

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
 * What an Egress records, summed over its ports: for the spec of every model that has one
 * (`as const`: each spec that spreads it checks it is a StatisticDoc).
 */
export const EGRESS_STATISTICS = {
  txPackets: { type: 'counter', unit: 'packets', description: 'Packets whose transmission on an output port ended by the end of the run' },
  txBytes: { type: 'counter', unit: 'bytes', description: 'Their size on the wire (headers and Ethernet framing included)' },
  drops: { type: 'counter', unit: 'packets', description: 'Packets dropped because their output queue was full (drop-tail)' },
  ecnMarks: { type: 'counter', unit: 'packets', description: 'ECN-capable packets marked Congestion Experienced on finding the queue at or above the ECN threshold' },
  queueWait: { type: 'tally', unit: 'ps', description: 'Joining an output queue to the start of transmission, per packet (recorded when it joins)' },
  queuedAtEnd: { type: 'counter', unit: 'packets', description: 'Packets still queued or on the wire at the end (not in txPackets)' },
  // Only in runs that record (--record): link-recorder.ts.
  ...LINK_STATISTICS,
} as const;

/**
 * The output side of one or more ports: a FIFO per port, drop-tail in packets or bytes, optional
 * ECN marking, and the wire, which takes serializationTime(size, rate) per packet before the
 * packet is sent on the port (the link then adds its propagation latency).
 *
 * A FIFO wire is computed, not stepped: a packet that joins port i at time t starts at
 * max(t, end of the packet before it) and leaves serializationTime later, all known at once. So
 * on a link inside the instance the packet is sent at once with that extra delay
 * (Port.sendAfter): one event per packet per hop, its arrival at the peer. Over a cut link it is
 * sent at the real end of its transmission (a channel carries messages in the order they leave):
 * a departure event here, then its arrival there. Either way it arrives at the same time.
 *
 * What a queue holds at time t is the packets whose transmission ends after t; each port keeps
 * their end times and sizes in a ring (arrays of doubles), retired lazily, so queueing allocates
 * nothing per packet. A packet whose transmission ends exactly when another arrives has left.
 */
export class Egress implements EgressView {
  /**
   * Per port i, at i * STRIDE: packets held, ring head, bytes held, when the last one leaves,
   * bandwidth, bytes ever queued. One array, so a packet's bookkeeping touches one object, not five.
   */
  private readonly st: number[];
  /** Per port: (end of transmission, size) of each packet queued or on the wire, oldest first, interleaved. */
  private readonly rings: number[][];
  private readonly byBytes: boolean;
  private readonly capacity: number;
  private readonly threshold: number;
  private readonly departed: number;
  private readonly roomTimer: number;
  private readonly roomPending: Uint8Array;
  /** Transmitted packets and bytes, drops, marks and the queue-wait tally, handed to the statistics in finish() (see running.ts). */
  private readonly acc = doubles(WAIT + TALLY);

  readonly txPackets: Counter;
  readonly txBytes: Counter;
  /** Packets dropped because the port's queue was full (drop-tail). */
  readonly drops: Counter;
  readonly ecnMarks: Counter;
  /** Time from joining a queue to the start of transmission, ps (counted when the packet joins). */
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
    /** Called as each packet leaves a port (a NIC writes its descriptor back); costs an event per packet. */
    private readonly onSent: ((port: number) => void) | null = null,
    /** Called when a port armed by armRoom() has room again. */
    private readonly onRoom: ((port: number) => void) | null = null,
  ) {
    const stats = ctx.stats;
    this.txPackets = stats.counter('txPackets');
    this.txBytes = stats.counter('txBytes');
    this.drops = stats.counter('drops');
    this.ecnMarks = stats.counter('ecnMarks');
    this.wait = stats.tally('queueWait');
    this.queuedAtEnd = stats.counter('queuedAtEnd');
    const n = ports.length;
    this.st = doubles(n * STRIDE);
    for (let i = 0; i < n; i++) this.st[i * STRIDE + RATE] = rates[i]!;
    this.rings = Array.from({ length: n }, () => doubles(16));
    tallyStart(this.acc, WAIT);
    this.byBytes = queue.unit === 'bytes';
    this.capacity = queue.capacity;
    this.threshold = queue.ecnThreshold ?? Infinity;
    // Departures over a cut link exist only because the partition cut it (a link inside the
    // instance needs none), so they are not the component's events; with onSent they always are.
    this.departed = ctx.timer((port, ref) => this.depart(port, ref as Packet), { counted: onSent !== null });
    this.roomTimer = ctx.timer((port) => {
      this.roomPending[port] = 0;
      this.onRoom!(port);
    });
    this.roomPending = new Uint8Array(n);
    // Only a run that asks (--record) gets a recorder; it samples this queue on its own timer.
    LinkRecorder.start(ctx, ports, rates, this);
  }

  /** Packets (the one on the wire included) at port `i` now. */
  length(i: number): number {
    return this.retire(i * STRIDE, this.rings[i]!, this.ctx.now);
  }

  /** Drops the packets of the port at `o` whose transmission ended by `now`; returns how many are left. */
  private retire(o: number, ring: number[], now: number): number {
    const st = this.st;
    let n = st[o + COUNT]!;
    if (n === 0) return 0;
    let h = st[o + HEAD]!;
    if (ring[h]! > now) return n;
    const mask = ring.length - 1;
    let b = st[o + BYTES]!;
    do {
      b -= ring[h + 1]!;
      h = (h + 2) & mask;
      n--;
    } while (n > 0 && ring[h]! <= now);
    st[o + HEAD] = h;
    st[o + COUNT] = n;
    st[o + BYTES] = b;
    return n;
  }

  /**
   * Queues `p` for transmission on port `i`; returns false (and counts a drop) when the queue is
   * full. `word` is its wire word (packet.ts), which a switch has from the message that brought
   * the packet; size and ECN bits are read from it, so that the packet record stays untouched.
   * The transmission starts no earlier than `delay` from now (a host's send jitter), and never
   * before the packet ahead of it has left.
   */
  enqueue(i: number, p: Packet, word = wireWord(p), delay = 0): boolean {
    const now = this.ctx.now;
    const st = this.st;
    const acc = this.acc;
    const o = i * STRIDE;
    let ring = this.rings[i]!;
    const n = this.retire(o, ring, now);
    const size = word >= 0 ? wordSize(word) : p.size;
    const level = this.byBytes ? st[o + BYTES]! : n;
    if (level + (this.byBytes ? size : 1) > this.capacity) {
      acc[DROPS]!++;
      return false;
    }
    if (level >= this.threshold && (word >= 0 ? wordMarkable(word) : (p.flags & F_ECT) !== 0 && (p.flags & F_CE) === 0)) {
      p.flags |= F_CE;
      if (word >= 0) word = wordMarked(word);
      acc[MARKS]!++;
    }
    const bps = st[o + RATE]!;
    if (!(bps > 0)) this.noRate(i);
    const start = n > 0 ? Math.max(st[o + LAST]!, now + delay) : now + delay;
    const end = start + serializationTime(size, bps);
    if (2 * n === ring.length) ring = this.grow(i);
    const k = (st[o + HEAD]! + 2 * n) & (ring.length - 1);
    ring[k] = end;
    ring[k + 1] = size;
    st[o + COUNT] = n + 1;
    st[o + BYTES] += size;
    st[o + ACCEPTED] += size;
    st[o + LAST] = end;
    this.record(start - now, size);
    const port = this.ports[i]!;
    if (this.onSent !== null || port.cut) this.ctx.schedule(this.departed, end - now, i, p);
    else port.sendAfter(end - now, word, p);
    return true;
  }

  /** The end of `p`'s transmission on port `i`, for a cut link or an owner that wants to know. */
  private depart(i: number, p: Packet): void {
    const port = this.ports[i]!;
    if (port.cut) port.send(wireWord(p), p);
    else port.sendAfter(0, wireWord(p), p);
    if (this.onSent !== null) this.onSent(i);
  }

  /**
   * Calls onRoom(i) once port `i` holds fewer than `below` packets (the end of transmission of
   * the packet that brings it there), unless a call is already pending. For an owner that holds
   * senders back while its queue is long (TCP Small Queues) and must learn when to let them go.
   */
  armRoom(i: number, below: number): void {
    if (this.roomPending[i] !== 0) return;
    const now = this.ctx.now;
    const ring = this.rings[i]!;
    const n = this.retire(i * STRIDE, ring, now);
    const at = n < below ? now : ring[(this.st[i * STRIDE + HEAD]! + 2 * (n - below)) & (ring.length - 1)]!;
    this.roomPending[i] = 1;
    this.ctx.schedule(this.roomTimer, at - now, i);
  }

  /**
   * Sends `p` on idle port `i` as if it had joined the queue serializationTime(size) ago and its
   * transmission ended now. Only for an owner that is the port's sole source and knows the port
   * was idle all that time (ProtocolHost's single constant-rate stream).
   */
  sendNow(i: number, p: Packet): void {
    if (this.length(i) > 0) throw new SplitSimError('E_COMPONENT', `${this.ctx.path}: port "${this.ports[i]!.name}" is busy; sendNow() is for an idle port`, { component: this.ctx.path, port: this.ports[i]!.name });
    this.record(0, p.size);
    this.st[i * STRIDE + ACCEPTED] += p.size;
    this.ports[i]!.send(wireWord(p), p);
  }

  sentBytes(i: number): number {
    const o = i * STRIDE;
    const ring = this.rings[i]!;
    const now = this.ctx.now;
    const n = this.retire(o, ring, now);
    let sent = this.st[o + ACCEPTED]! - this.st[o + BYTES]!;
    // The packet at the head is on the wire: the part of it already sent counts.
    if (n > 0) sent += Math.max(0, ring[this.st[o + HEAD]! + 1]! - ((ring[this.st[o + HEAD]!]! - now) * this.st[o + RATE]!) / 8e12);
    return sent;
  }

  dropped(): number {
    return this.acc[DROPS]!;
  }

  marked(): number {
    return this.acc[MARKS]!;
  }

  /** Counts a packet of `size` bytes sent after waiting `wait` ps. */
  private record(wait: number, size: number): void {
    const acc = this.acc;
    tallyAdd(acc, WAIT, wait);
    acc[TX]!++;
    acc[TX_BYTES] += size;
  }

  /** Time to put `bytes` on port `i`'s wire, ps. */
  serialization(i: number, bytes: number): number {
    return serializationTime(bytes, this.st[i * STRIDE + RATE]!);
  }

  private grow(i: number): number[] {
    const old = this.rings[i]!;
    const n = old.length;
    const next = doubles(2 * n);
    const h = this.st[i * STRIDE + HEAD]!;
    for (let k = 0; k < n; k++) next[k] = old[(h + k) & (n - 1)]!;
    this.rings[i] = next;
    this.st[i * STRIDE + HEAD] = 0;
    return next;
  }

  /**
   * Settles the statistics at the end of the run (call from the owner's finish()): packets whose
   * transmission has not ended are queued, not transmitted.
   */
  finish(): void {
    const now = this.ctx.now;
    const acc = this.acc;
    let q = 0;
    let qBytes = 0;
    for (let i = 0; i < this.rings.length; i++) {
      q += this.retire(i * STRIDE, this.rings[i]!, now);
      qBytes += this.st[i * STRIDE + BYTES]!;
    }
    this.txPackets.value = acc[TX]! - q;
    this.txBytes.value = acc[TX_BYTES]! - qBytes;
    this.drops.value = acc[DROPS]!;
    this.ecnMarks.value = acc[MARKS]!;
    this.queuedAtEnd.value = q;
    tallyInto(this.wait, acc, WAIT);
  }

  private noRate(i: number): never {
    const port = this.ports[i]!;
    throw new SplitSimError('E_CONFIG', `${this.ctx.path}: port "${port.name}" has no bandwidth; give its link a bandwidth`, { component: this.ctx.path, port: port.name });
  }
}

// Per-port fields of Egress.st.
const COUNT = 0;
const HEAD = 1;
const BYTES = 2;
const LAST = 3;
const RATE = 4;
/** Bytes ever queued (for a recorder: minus those held, what has left). */
const ACCEPTED = 5;
const STRIDE = 6;
// Egress.acc: transmitted packets and bytes, drops, marks, then the queue-wait tally.
const TX = 0;
const TX_BYTES = 1;
const DROPS = 2;
const MARKS = 3;
const WAIT = 4;
