import { SEC, SplitSimError, type Context, type Counter, type Quantiles, type Tally } from '@splitsim/kernel';
import type { App } from '@splitsim/system';
import { flowHash, makePacket, PROTO_TCP, PROTO_UDP, UDP_HEADER, wireSize, type Packet } from './packet.ts';
import { doubles, TALLY, tallyAdd, tallyInto, tallyStart } from './running.ts';
import type { HostNet } from './routing.ts';
import { CC_DCTCP, CC_RENO, Tcp, type Conn, type TcpParams, type TcpUser } from './tcp.ts';

/** Where application work (an RPC server's time per request) runs; it calls stack.served(conn) when done. */
export interface AppCpu {
  run(duration: number, conn: Conn): void;
}

/**
 * A host's protocol stack and applications, shared by the protocol-level host (which hands
 * packets straight to its output queue) and the detailed host (which charges CPU time and goes
 * through a NIC). It runs the applications of @splitsim/system's app schemas: UDP constant-rate
 * and Poisson senders, UDP sinks, TCP bulk senders and sinks, RPC clients and servers over TCP.
 */
export class Stack implements TcpUser {
  /** TCP, when an application uses it. */
  readonly tcp: Tcp | null;
  private readonly apps: readonly App[];
  private readonly address: number;
  private readonly peers: Readonly<Record<string, number>>;

  // UDP senders, one slot per application index (unused slots stay 0).
  private readonly udpTick: number;
  private readonly udpDst: Int32Array;
  private readonly udpSport: Int32Array;
  private readonly udpHash: Int32Array;
  private readonly udpGap: Float64Array;
  private readonly udpNext: Float64Array;
  private readonly udpStop: Float64Array;
  private readonly udpPort: Int32Array;
  private readonly udpLen: Int32Array;
  private readonly udpWire: Int32Array;
  private readonly udpPoisson: Uint8Array;
  /** UDP ports with a sink. */
  private readonly udpSinks = new Set<number>();
  /** TCP ports listened on: port → application index. */
  private readonly listeners = new Map<number, number>();

  // RPC clients: per application, the send time of each outstanding request (a ring as deep as
  // the concurrency), how many were issued and answered.
  private readonly rpcSentAt: Array<Float64Array | null>;
  private readonly rpcIssued: Float64Array;
  private readonly rpcAnswered: Float64Array;
  private readonly startTimer: number;

  // Statistics exist for the protocols this host's applications use, so metrics stay small.
  private readonly udp: { sent: Counter; received: Counter; bytes: Counter; latency: Tally } | null;
  /** The UDP figures as they run (indices U_*), handed to `udp` in finish() (see running.ts). */
  private readonly udpAcc = doubles(U_LATENCY + TALLY);
  private readonly flows: { done: Counter; completion: Tally } | null;
  private readonly rpc: { completed: Counter; served: Counter; latency: Tally; quantiles: Quantiles } | null;
  /** Packets for a protocol or port no application here uses. */
  private readonly unclaimed: Counter;

  constructor(
    private readonly ctx: Context,
    apps: readonly App[],
    net: HostNet,
    tcp: TcpParams,
    private readonly transmit: (p: Packet) => void,
    private readonly cpu: AppCpu,
    /**
     * UDP send events run this long after the packet's creation time (which the packet carries):
     * a host whose only traffic is one constant-rate stream that never queues sends each packet
     * when its serialization ends, one event instead of two (see ProtocolHost).
     */
    private readonly udpLead = 0,
    /** Whether the host takes another TCP data segment now (see Tcp's `room`). */
    room: () => boolean = () => true,
  ) {
    this.apps = apps;
    this.address = net.address;
    this.peers = net.peers;
    const n = apps.length;
    this.udpDst = new Int32Array(n);
    this.udpSport = new Int32Array(n);
    this.udpHash = new Int32Array(n);
    this.udpGap = new Float64Array(n);
    this.udpNext = new Float64Array(n);
    this.udpStop = new Float64Array(n);
    this.udpPort = new Int32Array(n);
    this.udpLen = new Int32Array(n);
    this.udpWire = new Int32Array(n);
    this.udpPoisson = new Uint8Array(n);
    this.rpcSentAt = apps.map(() => null);
    this.rpcIssued = new Float64Array(n);
    this.rpcAnswered = new Float64Array(n);
    const s = ctx.stats;
    const uses = (...types: string[]) => apps.some((a) => types.includes(a.type));
    this.udp = uses('udp-sink', 'udp-cbr', 'udp-poisson')
      ? { sent: s.counter('udpSent'), received: s.counter('udpReceived'), bytes: s.counter('udpReceivedBytes'), latency: s.tally('udpLatency') }
      : null;
    this.tcp = uses('tcp-bulk', 'tcp-sink', 'rpc-client', 'rpc-server') ? new Tcp(ctx, net.address, tcp, transmit, this, room) : null;
    this.flows = uses('tcp-bulk') ? { done: s.counter('tcpFlowsDone'), completion: s.tally('tcpFlowCompletion') } : null;
    this.rpc = uses('rpc-client', 'rpc-server')
      ? { completed: s.counter('rpcCompleted'), served: s.counter('rpcServed'), latency: s.tally('rpcLatency'), quantiles: s.quantiles('rpcLatencyQuantiles') }
      : null;
    this.unclaimed = s.counter('unclaimed');
    tallyStart(this.udpAcc, U_LATENCY);
    this.udpTick = ctx.timer((i) => this.udpSend(i));
    this.startTimer = ctx.timer((i) => this.startApp(i));

    const peer = (path: string, i: number): number => {
      const a = net.peers[path];
      if (a === undefined) {
        throw new SplitSimError('E_PARAMS', `${ctx.path}: application ${i} names ${path}, which has no address; call routeNetwork(system) after the last host is added`, { component: ctx.path, field: `apps.${i}` });
      }
      return a;
    };
    apps.forEach((app, i) => {
      switch (app.type) {
        case 'udp-sink':
          this.udpSinks.add(app.port);
          break;
        case 'udp-cbr':
        case 'udp-poisson': {
          const dst = peer(app.dst, i);
          const sport = 32768 + i;
          this.udpDst[i] = dst;
          this.udpSport[i] = sport;
          this.udpHash[i] = flowHash(this.address, dst, sport, app.port, PROTO_UDP);
          this.udpGap[i] = (app.size * 8 * SEC) / app.rate;
          this.udpStop[i] = app.stop ?? Infinity;
          this.udpPort[i] = app.port;
          this.udpLen[i] = app.size;
          this.udpWire[i] = wireSize(app.size, UDP_HEADER);
          this.udpPoisson[i] = app.type === 'udp-poisson' ? 1 : 0;
          break;
        }
        case 'tcp-bulk':
          peer(app.dst, i);
          break;
        case 'rpc-client':
          peer(app.server, i);
          this.rpcSentAt[i] = new Float64Array(app.concurrency);
          break;
        case 'tcp-sink':
        case 'rpc-server':
          if (this.listeners.has(app.port)) {
            throw new SplitSimError('E_PARAMS', `${ctx.path}: two applications listen on TCP port ${app.port}`, { component: ctx.path, field: `apps.${i}.port` });
          }
          this.listeners.set(app.port, i);
          break;
      }
    });
  }

  /** Schedules each application's start; call from the host's init(). */
  start(): void {
    this.apps.forEach((app, i) => {
      const udp = app.type === 'udp-cbr' || app.type === 'udp-poisson';
      if ('start' in app) this.ctx.schedule(this.startTimer, udp ? app.start + this.udpLead : app.start, i);
    });
  }

  private startApp(i: number): void {
    const app = this.apps[i]!;
    const now = this.ctx.now;
    switch (app.type) {
      case 'udp-cbr':
      case 'udp-poisson':
        this.udpNext[i] = now - this.udpLead;
        this.udpSend(i);
        break;
      case 'tcp-bulk': {
        const c = this.tcp!.open(this.net(app.dst), app.port, app.congestion === 'dctcp' ? CC_DCTCP : CC_RENO, i);
        this.tcp!.write(c, app.bytes ?? Infinity);
        break;
      }
      case 'rpc-client': {
        const c = this.tcp!.open(this.net(app.server), app.port, CC_RENO, i);
        for (let k = 0; k < app.concurrency; k++) this.request(c, i);
        break;
      }
      default:
        break;
    }
  }

  /** Address of a destination path (checked in the constructor). */
  private net(path: string): number {
    return this.peers[path]!;
  }

  private udpSend(i: number): void {
    const now = this.ctx.now;
    const lead = this.udpLead;
    const created = now - lead;
    if (created >= this.udpStop[i]!) return;
    this.udpAcc[U_SENT]!++;
    this.transmit(makePacket(this.address, this.udpDst[i]!, this.udpSport[i]!, this.udpPort[i]!, PROTO_UDP, 0, this.udpWire[i]!, this.udpLen[i]!, 0, 0, this.udpHash[i]!, created, -1, -1));
    const gap = this.udpPoisson[i] === 0 ? this.udpGap[i]! : this.ctx.rng.exponential(this.udpGap[i]!);
    const next = (this.udpNext[i] = this.udpNext[i]! + gap);
    this.ctx.schedule(this.udpTick, Math.max(0, Math.round(next) + lead - now), i);
  }

  /** Settles the statistics kept as running figures; call from the host's finish(). */
  finish(): void {
    if (this.tcp !== null) this.tcp.finish();
    const udp = this.udp;
    if (udp !== null) {
      const a = this.udpAcc;
      udp.sent.value = a[U_SENT]!;
      udp.received.value = a[U_RECEIVED]!;
      udp.bytes.value = a[U_BYTES]!;
      tallyInto(udp.latency, a, U_LATENCY);
    }
  }

  /** A packet for this host. */
  receive(p: Packet): void {
    if (p.proto === PROTO_UDP && this.udpSinks.has(p.dport)) {
      const a = this.udpAcc;
      a[U_RECEIVED]!++;
      a[U_BYTES] += p.len;
      tallyAdd(a, U_LATENCY, this.ctx.now - p.sent);
    } else if (p.proto === PROTO_TCP && this.tcp !== null) this.tcp.receive(p);
    else this.unclaimed.value++;
  }

  accept(port: number): number {
    return this.listeners.get(port) ?? -1;
  }

  /** A request carries, as its word, the response size the client asks for. */
  message(c: Conn, word: number): void {
    const app = this.apps[c.app]!;
    if (app.type === 'rpc-server') {
      c.pending.push(word);
      this.cpu.run(app.serviceTime, c);
    }
    else if (app.type === 'rpc-client') {
      const ring = this.rpcSentAt[c.app]!;
      const k = this.rpcAnswered[c.app]!++;
      const latency = this.ctx.now - ring[k % ring.length]!;
      const rpc = this.rpc!;
      rpc.latency.add(latency);
      rpc.quantiles.add(latency);
      rpc.completed.value++;
      this.request(c, c.app);
    }
  }

  /** The application work for the oldest request on `c` is done: answer it. */
  served(c: Conn): void {
    this.rpc!.served.value++;
    this.tcp!.writeMessage(c, c.pending.shift()!, 0);
  }

  drained(c: Conn): void {
    const app = this.apps[c.app]!;
    if (app.type === 'tcp-bulk' && app.bytes !== undefined) {
      this.flows!.done.value++;
      this.flows!.completion.add(this.ctx.now - c.opened);
    }
  }

  private request(c: Conn, i: number): void {
    const app = this.apps[i] as Extract<App, { type: 'rpc-client' }>;
    const ring = this.rpcSentAt[i]!;
    ring[this.rpcIssued[i]!++ % ring.length] = this.ctx.now;
    this.tcp!.writeMessage(c, app.requestSize, app.responseSize);
  }
}

// Stack.udpAcc: datagrams sent, received, bytes received, then the latency tally.
const U_SENT = 0;
const U_RECEIVED = 1;
const U_BYTES = 2;
const U_LATENCY = 3;
