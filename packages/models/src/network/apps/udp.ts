import { z } from 'zod';
import { SEC, units, type Context } from '@splitsim/kernel';
import { defineApp, type AppHost, type AppInstance } from '../app.ts';
import { flowHash, makePacket, PROTO_UDP, UDP_HEADER, wireSize } from '../packet.ts';

const port = z.number().int().nonnegative();

/** Receives datagrams on a port; the host counts them (udpReceived, udpReceivedBytes, udpLatency). */
export const udpSink = defineApp({
  type: 'udp-sink',
  description: 'receives UDP datagrams on a port (the host counts them and their latency)',
  protocol: 'udp',
  params: z.object({ port: port.default(9) }).strict(),
  listens: (app) => ({ protocol: 'udp', port: app.port }),
  create: () => ({}),
});

const senderParams = z
  .object({
    /** Path of the host that receives. */
    dst: z.string().min(1),
    port: port.default(9),
    /** Payload bits per second. */
    rate: units.rate(),
    /** Payload bytes per datagram. */
    size: z.number().int().positive().default(1448),
    start: units.time().default(0),
    stop: units.time().optional(),
  })
  .strict();

type SenderParams = z.output<typeof senderParams>;

/** Datagrams of `size` bytes to `dst` at `rate`, evenly spaced or with exponential gaps. */
class UdpSender implements AppInstance {
  private readonly ctx: Context;
  private readonly dst: number;
  private readonly sport: number;
  private readonly hash: number;
  private readonly gap: number;
  private readonly stopAt: number;
  private readonly wire: number;
  private readonly lead: number;
  private readonly tick: number;
  /** Creation time of the next datagram, unrounded (so the rate stays exact over a long run). */
  private next = 0;

  constructor(private readonly host: AppHost, private readonly app: SenderParams, index: number, private readonly poisson: boolean) {
    this.ctx = host.ctx;
    this.dst = host.addressOf(app.dst);
    this.sport = 32768 + index;
    this.hash = flowHash(host.address, this.dst, this.sport, app.port, PROTO_UDP);
    this.gap = (app.size * 8 * SEC) / app.rate;
    this.stopAt = app.stop ?? Infinity;
    this.wire = wireSize(app.size, UDP_HEADER);
    this.lead = host.lead;
    this.tick = this.ctx.timer(() => this.send());
  }

  start(): void {
    this.next = this.ctx.now - this.lead;
    this.send();
  }

  /** Runs `lead` after the datagram's creation time, which the datagram carries. */
  private send(): void {
    const now = this.ctx.now;
    const created = now - this.lead;
    if (created >= this.stopAt) return;
    const app = this.app;
    this.host.sendDatagram(makePacket(this.host.address, this.dst, this.sport, app.port, PROTO_UDP, 0, this.wire, app.size, 0, 0, this.hash, created, -1, -1));
    const gap = this.poisson ? this.ctx.rng.exponential(this.gap) : this.gap;
    const next = (this.next += gap);
    this.ctx.schedule(this.tick, Math.max(0, Math.round(next) + this.lead - now));
  }
}

const talksTo = (app: SenderParams) => ({ host: app.dst, field: 'dst', protocol: 'udp' as const, port: app.port, answered: false, listener: 'udp-sink' });

export const udpCbr = defineApp({
  type: 'udp-cbr',
  description: 'UDP datagrams to a host at a constant rate (payload bits per second)',
  protocol: 'udp',
  params: senderParams,
  talksTo,
  steady: (app) => ({ wire: wireSize(app.size, UDP_HEADER), interval: (app.size * 8 * SEC) / app.rate }),
  create: (host, app, index) => new UdpSender(host, app, index, false),
});

export const udpPoisson = defineApp({
  type: 'udp-poisson',
  description: 'UDP datagrams to a host with exponential gaps (Poisson arrivals) at a mean rate',
  protocol: 'udp',
  params: senderParams,
  talksTo,
  create: (host, app, index) => new UdpSender(host, app, index, true),
});
