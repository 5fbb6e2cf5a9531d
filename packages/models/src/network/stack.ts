import { SplitSimError, type Context, type Counter, type StatisticDoc, type Tally } from '@splitsim/kernel';
import type { AppData } from '@splitsim/system';
import type { AppHost, AppInstance, AppSpec } from './app.ts';
import { flowHash, makePacket, PROTO_TCP, PROTO_UDP, UDP_HEADER, wireSize, type Packet } from './packet.ts';
import { doubles, TALLY, tallyAdd, tallyInto, tallyStart } from './running.ts';
import type { HostNet } from './routing.ts';
import { Tcp, TCP_STATISTICS, type Conn, type TcpParams, type TcpUser } from './tcp.ts';

/** Where application work (an RPC server's time per request) runs; it calls stack.served(conn) when done. */
export interface AppCpu {
  run(duration: number, conn: Conn): void;
}

/** What a host's stack records (its UDP layer, its TCP, unclaimed packets), for the host models' specs. */
export const STACK_STATISTICS: Readonly<Record<string, StatisticDoc>> = {
  udpSent: { type: 'counter', unit: 'datagrams', description: "UDP datagrams the host's applications sent (when an application uses UDP)" },
  udpReceived: { type: 'counter', unit: 'datagrams', description: 'UDP datagrams received on a port an application listens on (when an application uses UDP)' },
  udpReceivedBytes: { type: 'counter', unit: 'bytes', description: 'Their payload bytes (when an application uses UDP)' },
  udpLatency: { type: 'tally', unit: 'ps', description: 'Arrival minus the creation time each datagram received carries: one way for the built-in senders (when an application uses UDP)' },
  ...TCP_STATISTICS,
  unclaimed: { type: 'counter', unit: 'packets', description: 'Packets dropped for want of a taker: UDP to a port no application listens on, TCP on a host without TCP' },
};

/**
 * A host's protocol stack, shared by the protocol-level host (which hands packets straight to its
 * output queue) and the detailed host (which charges CPU time and goes through a NIC): a UDP
 * layer, TCP when an application needs it, and the host's applications, each made from the
 * AppSpec that the run's model modules declare for its type (built-in or a user's; see app.ts).
 */
export class Stack implements TcpUser, AppHost {
  readonly address: number;
  readonly lead: number;
  private readonly tcpLayer: Tcp | null;
  private readonly peers: Readonly<Record<string, number>>;
  private readonly apps: AppInstance[] = [];
  private readonly startAt: number[] = [];
  /** UDP and TCP ports listened on: port → application index. */
  private readonly udpListeners = new Map<number, number>();
  private readonly listeners = new Map<number, number>();
  private readonly startTimer: number;
  private readonly sharedStats = new Map<string, unknown>();

  // Statistics exist for the protocols this host's applications use, so metrics stay small.
  private readonly udp: { sent: Counter; received: Counter; bytes: Counter; latency: Tally } | null;
  /** The UDP figures as they run (indices U_*), handed to `udp` in finish() (see running.ts). */
  private readonly udpAcc = doubles(U_LATENCY + TALLY);
  /** Packets for a protocol or port no application here uses. */
  private readonly unclaimed: Counter;

  constructor(
    readonly ctx: Context,
    apps: readonly AppData[],
    net: HostNet,
    tcp: TcpParams,
    private readonly transmit: (p: Packet) => void,
    private readonly cpu: AppCpu,
    /**
     * How long after creation a steady sender may send (AppHost.lead): the protocol-level host
     * grants one serialization when its only application is a steady sender no faster than its link.
     */
    lead = 0,
    /** Whether the host takes another TCP data segment now (see Tcp's `room`). */
    room: () => boolean = () => true,
  ) {
    this.address = net.address;
    this.peers = net.peers;
    this.lead = lead;
    const specs = apps.map((app, i) => appSpec(ctx, app.type, i));
    const s = ctx.stats;
    const uses = (protocol: string) => specs.some((a) => a.protocol === protocol);
    this.udp = uses('udp') ? { sent: s.counter('udpSent'), received: s.counter('udpReceived'), bytes: s.counter('udpReceivedBytes'), latency: s.tally('udpLatency') } : null;
    this.tcpLayer = uses('tcp') ? new Tcp(ctx, net.address, tcp, transmit, this, room) : null;
    tallyStart(this.udpAcc, U_LATENCY);
    this.startTimer = ctx.timer((i) => this.apps[i]!.start!());
    specs.forEach((spec, i) => {
      const app = apps[i]!;
      const at = spec.listens?.(app);
      if (at) {
        const ports = at.protocol === 'udp' ? this.udpListeners : this.listeners;
        if (ports.has(at.port)) {
          throw new SplitSimError('E_PARAMS', `${ctx.path}: two applications listen on ${at.protocol.toUpperCase()} port ${at.port}`, { component: ctx.path, field: `apps.${i}.port` });
        }
        ports.set(at.port, i);
      }
      this.apps.push(spec.create(this, app, i));
      this.startAt.push(typeof app.start === 'number' ? app.start : -1);
    });
    this.unclaimed = s.counter('unclaimed');
  }

  get tcp(): Tcp {
    if (this.tcpLayer === null) throw new SplitSimError('E_PARAMS', `${this.ctx.path}: an application uses TCP but declares protocol 'udp'`, { component: this.ctx.path });
    return this.tcpLayer;
  }

  /** TCP, when an application uses it (for the host model; applications use `tcp`). */
  get tcpOrNull(): Tcp | null {
    return this.tcpLayer;
  }

  /** Schedules each application's start; call from the host's init(). */
  start(): void {
    this.apps.forEach((app, i) => {
      const at = this.startAt[i]!;
      // A steady sender's start moves by its lead too, so that its first datagram is created at `start`.
      if (at >= 0 && app.start) this.ctx.schedule(this.startTimer, at + this.lead, i);
    });
  }

  addressOf(path: string): number {
    const a = this.peers[path];
    if (a === undefined) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: an application names ${path}, which has no address here (only hosts an application's talksTo() names get one)`, { component: this.ctx.path });
    }
    return a;
  }

  sendDatagram(p: Packet): void {
    this.udpAcc[U_SENT]!++;
    this.transmit(p);
  }

  sendUdp(dst: number, sport: number, dport: number, len: number, sent = this.ctx.now): void {
    const hash = flowHash(this.address, dst, sport, dport, PROTO_UDP);
    this.sendDatagram(makePacket(this.address, dst, sport, dport, PROTO_UDP, 0, wireSize(len, UDP_HEADER), len, 0, 0, hash, sent, -1, -1));
  }

  work(duration: number, c: Conn): void {
    this.cpu.run(duration, c);
  }

  shared<T>(key: string, make: () => T): T {
    let v = this.sharedStats.get(key) as T | undefined;
    if (v === undefined) this.sharedStats.set(key, (v = make()));
    return v;
  }

  /** Settles the statistics kept as running figures; call from the host's finish(). */
  finish(): void {
    if (this.tcpLayer !== null) this.tcpLayer.finish();
    const udp = this.udp;
    if (udp !== null) {
      const a = this.udpAcc;
      udp.sent.value = a[U_SENT]!;
      udp.received.value = a[U_RECEIVED]!;
      udp.bytes.value = a[U_BYTES]!;
      tallyInto(udp.latency, a, U_LATENCY);
    }
    for (const app of this.apps) app.finish?.();
  }

  /** A packet for this host. */
  receive(p: Packet): void {
    if (p.proto === PROTO_UDP) {
      const i = this.udpListeners.get(p.dport);
      if (i !== undefined) {
        const a = this.udpAcc;
        a[U_RECEIVED]!++;
        a[U_BYTES] += p.len;
        tallyAdd(a, U_LATENCY, this.ctx.now - p.sent);
        this.apps[i]!.datagram?.(p);
        return;
      }
    } else if (p.proto === PROTO_TCP && this.tcpLayer !== null) {
      this.tcpLayer.receive(p);
      return;
    }
    this.unclaimed.value++;
  }

  accept(port: number): number {
    return this.listeners.get(port) ?? -1;
  }

  message(c: Conn, word: number): void {
    this.apps[c.app]!.message?.(c, word);
  }

  /** The application work for `c` is done. */
  served(c: Conn): void {
    this.apps[c.app]!.served?.(c);
  }

  drained(c: Conn): void {
    this.apps[c.app]!.drained?.(c);
  }
}

/** The AppSpec of an application type, from the run's model modules. */
function appSpec(ctx: Context, type: string, i: number): AppSpec {
  const spec = ctx.extension<AppSpec>('app', type);
  if (!spec) throw new SplitSimError('E_PARAMS', `${ctx.path}: apps[${i}]: no model module of this run declares the application type "${type}"`, { component: ctx.path, field: `apps.${i}.type` });
  return spec;
}

// Stack.udpAcc: datagrams sent, received, bytes received, then the latency tally.
const U_SENT = 0;
const U_RECEIVED = 1;
const U_BYTES = 2;
const U_LATENCY = 3;
