import { z } from 'zod';
import { Component, defineSpec, SplitSimError, type Context } from '@splitsim/kernel';
import { hostParams as hostKindParams } from '@splitsim/system';
import { Egress, EGRESS_STATISTICS, type QueueParams } from './egress.ts';
import type { AppSpec } from './app.ts';
import { pppSize, PROTO_TCP, wireWord, type Packet } from './packet.ts';
import { hostNet } from './routing.ts';
import { Stack, STACK_STATISTICS, type AppCpu } from './stack.ts';
import { tcpParams, type Conn, type TcpParams } from './tcp.ts';

/**
 * The host kind's parameters (cores, clock, memory, ip, apps, framing), the `net` the network
 * step adds, and TCP settings (`tcp`, e.g. `{ ackEvery: 2 }` for delayed ACKs; HOST_TCP when
 * absent); `cores` is how many requests an RPC server works on at once.
 */
export const hostParams = hostKindParams.extend({ net: hostNet, tcp: tcpParams.optional() });

/** The protocol-level host's output queue: deep, as a kernel's qdisc plus NIC ring would be. */
export const HOST_QUEUE: QueueParams = { unit: 'packets', capacity: 1000 };
/** TCP data waits while this many packets are in the host's queue (TCP Small Queues). */
export const HOST_TSQ = 32;
/**
 * A waiting sender goes on once the queue has drained to this many packets: completions wake it
 * in batches (as Linux's TSQ handler frees a batch of sent buffers), not for every packet sent,
 * and the queue left keeps the link busy meanwhile.
 */
export const HOST_TSQ_RESUME = 16;
/** TCP settings of every host model: the defaults of tcpParams. */
export const HOST_TCP: TcpParams = tcpParams.parse({});

/**
 * `cores` FIFO workers for application work. Requests wait in one line; each takes its service
 * time on a free worker. No other cost: this is the protocol-level host.
 */
export class Workers implements AppCpu {
  /** The connection whose request each worker serves, or null when idle. */
  private readonly serving: Array<Conn | null>;
  private readonly idle: number[] = [];
  private readonly line: Array<{ duration: number; conn: Conn }> = [];
  private readonly done: number;

  constructor(private readonly ctx: Context, cores: number, private readonly served: (c: Conn) => void) {
    this.serving = new Array<Conn | null>(cores).fill(null);
    for (let w = cores - 1; w >= 0; w--) this.idle.push(w);
    this.done = ctx.timer((w) => this.finishOne(w));
  }

  run(duration: number, conn: Conn): void {
    const w = this.idle.pop();
    if (w === undefined) this.line.push({ duration, conn });
    else this.begin(w, duration, conn);
  }

  private begin(w: number, duration: number, conn: Conn): void {
    this.serving[w] = conn;
    this.ctx.schedule(this.done, duration, w);
  }

  private finishOne(w: number): void {
    const conn = this.serving[w]!;
    const next = this.line.shift();
    if (next) this.begin(w, next.duration, next.conn);
    else {
      this.serving[w] = null;
      this.idle.push(w);
    }
    this.served(conn);
  }
}

/**
 * A protocol-level host inside the network simulation: its applications and TCP/UDP stack hand
 * packets straight to one output queue on its network link. No CPU, no NIC, no bus.
 */
export class ProtocolHost extends Component<z.output<typeof hostParams>> {
  static readonly spec = defineSpec({
    model: 'host.protocol',
    kinds: ['host'],
    default: true,
    roles: ['host'],
    description: 'Protocol-level host: UDP CBR/Poisson senders and sinks, TCP NewReno/DCTCP bulk transfer, RPC; no CPU or NIC cost',
    ports: ['eth'],
    params: hostParams,
    statistics: {
      packetsSent: { type: 'counter', unit: 'packets', description: 'Packets the stack handed to the output queue, those it then dropped included' },
      rxPackets: { type: 'counter', unit: 'packets', description: 'Packets received from the network' },
      ...EGRESS_STATISTICS,
      ...STACK_STATISTICS,
    },
  });

  private readonly packetsSent = this.ctx.stats.counter('packetsSent');
  private readonly rxPackets = this.ctx.stats.counter('rxPackets');
  /** Counted here, handed to the statistics in finish(): plain fields are cheaper per packet. */
  private sent = 0;
  private received = 0;
  private readonly eth = this.ctx.port('eth', (_n, ref) => this.receive(ref as Packet));
  private readonly egress: Egress;
  private readonly stack: Stack;
  /** Packets leave without the queue (see the constructor). */
  private readonly direct: boolean;
  /** TCP segments start on an idle link up to this late (tcpParams.jitter). */
  private readonly jitter: number;
  /** Point-to-point framing instead of Ethernet's (`framing: 'ppp'`). */
  private readonly ppp: boolean;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof hostParams>>>) {
    super(...args);
    const p = this.params;
    if (!(p.net.rate > 0)) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: host.protocol needs its eth port on a network link with a bandwidth (net.rate is 0)`, { component: this.ctx.path, port: 'eth', field: 'net.rate' });
    }
    // TCP Small Queues: a sender held back by a long queue goes on when the queue is short again.
    this.egress = new Egress(this.ctx, [this.eth], [p.net.rate], HOST_QUEUE, null, () => {
      const tcp = this.stack.tcpOrNull;
      if (tcp !== null && tcp.waiting) tcp.wake();
    });
    const workers = new Workers(this.ctx, p.cores, (c) => this.stack.served(c));
    // A host whose only application sends equal datagrams at a constant rate no faster than its
    // link never queues a packet: each leaves exactly one serialization after its creation.
    // Sending it then, from the send event itself, gives the same packets at the same times with
    // one event fewer. (Not with point-to-point framing, a comparison setting: its packets queue.)
    this.ppp = p.framing === 'ppp';
    const only = p.apps.length === 1 ? p.apps[0]! : undefined;
    const steady = only ? this.ctx.extension<AppSpec>('app', only.type)?.steady?.(only) : undefined;
    let lead = 0;
    if (steady && !this.ppp) {
      const ser = this.egress.serialization(0, steady.wire);
      if (steady.interval >= ser) lead = ser;
    }
    this.direct = lead > 0;
    this.jitter = (p.tcp ?? HOST_TCP).jitter;
    this.stack = new Stack(this.ctx, p.apps, p.net, p.tcp ?? HOST_TCP, (pkt) => this.transmit(pkt), workers, lead, () => this.room());
  }

  override init(): void {
    this.stack.start();
  }

  /** Whether TCP may queue another data segment; if not, asks to be told when it may. */
  private room(): boolean {
    if (this.egress.length(0) < HOST_TSQ) return true;
    this.egress.armRoom(0, HOST_TSQ_RESUME + 1);
    return false;
  }

  private transmit(p: Packet): void {
    this.sent++;
    if (this.ppp) p.size = pppSize(p);
    if (this.direct) this.egress.sendNow(0, p);
    else if (p.proto === PROTO_TCP && this.jitter > 0) this.egress.enqueue(0, p, wireWord(p), Math.floor(this.ctx.rng.next() * this.jitter));
    else this.egress.enqueue(0, p);
  }

  private receive(p: Packet): void {
    this.received++;
    this.stack.receive(p);
  }

  override finish(): void {
    this.packetsSent.value = this.sent;
    this.rxPackets.value = this.received;
    this.stack.finish();
    this.egress.finish();
  }
}
