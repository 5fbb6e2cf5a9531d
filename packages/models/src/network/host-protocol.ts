import type { z } from 'zod';
import { Component, defineSpec, SplitSimError, type Context } from '@splitsim/kernel';
import { hostParams as hostKindParams } from '@splitsim/system';
import { Egress, type QueueParams } from './egress.ts';
import { UDP_HEADER, wireSize, type Packet } from './packet.ts';
import { hostNet } from './routing.ts';
import { Stack, type AppCpu } from './stack.ts';
import { tcpParams, type Conn, type TcpParams } from './tcp.ts';

/**
 * The host kind's parameters (cores, clock, memory, ip, apps) and the `net` routeNetwork
 * writes; `cores` is how many requests an RPC server works on at once.
 */
export const hostParams = hostKindParams.extend({ net: hostNet });

/** The protocol-level host's output queue: deep, as a kernel's qdisc plus NIC ring would be. */
export const HOST_QUEUE: QueueParams = { unit: 'packets', capacity: 1000 };
/** TCP data waits while this many packets are in the host's queue (TCP Small Queues). */
export const HOST_TSQ = 32;
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
    description: 'Protocol-level host: UDP CBR/Poisson senders and sinks, TCP NewReno/DCTCP bulk transfer, RPC; no CPU or NIC cost',
    ports: ['eth'],
    params: hostParams,
  });

  private readonly sent = this.ctx.stats.counter('packetsSent');
  private readonly received = this.ctx.stats.counter('rxPackets');
  private readonly eth = this.ctx.port('eth', (_n, ref) => this.receive(ref as Packet));
  private readonly egress: Egress;
  private readonly stack: Stack;
  /** Packets leave without the queue (see the constructor). */
  private readonly direct: boolean;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof hostParams>>>) {
    super(...args);
    const p = this.params;
    if (!(p.net.rate > 0)) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: host.protocol needs its eth port on a network link with a bandwidth (net.rate is 0)`, { component: this.ctx.path, port: 'eth', field: 'net.rate' });
    }
    this.egress = new Egress(this.ctx, [this.eth], [p.net.rate], HOST_QUEUE, () => {
      const tcp = this.stack.tcp;
      if (tcp !== null && tcp.waiting) tcp.wake();
    });
    const workers = new Workers(this.ctx, p.cores, (c) => this.stack.served(c));
    // A host whose only application is one constant-rate UDP stream no faster than its link never
    // queues a packet: each leaves exactly one serialization after its creation. Sending it then,
    // from the send event itself, gives the same packets at the same times with one event fewer.
    const only = p.apps.length === 1 ? p.apps[0]! : undefined;
    let lead = 0;
    if (only?.type === 'udp-cbr') {
      const ser = this.egress.serialization(0, wireSize(only.size, UDP_HEADER));
      if ((only.size * 8 * 1e12) / only.rate >= ser) lead = ser;
    }
    this.direct = lead > 0;
    this.stack = new Stack(this.ctx, p.apps, p.net, HOST_TCP, (pkt) => this.transmit(pkt), workers, lead, () => this.egress.length(0) < HOST_TSQ);
  }

  override init(): void {
    this.stack.start();
  }

  private transmit(p: Packet): void {
    this.sent.value++;
    if (this.direct) this.egress.sendNow(0, p);
    else this.egress.enqueue(0, p);
  }

  private receive(p: Packet): void {
    this.received.value++;
    this.stack.receive(p);
  }

  override finish(): void {
    this.egress.finish();
  }
}
