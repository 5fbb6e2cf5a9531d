import type { Server, Socket } from 'node:net';
import {
  connectChannel, connectWsChannel, listenChannel, listenWsChannel, RingChannelEnd, SocketChannelEnd, Trunk, type ByteStream, type ChannelEnd, type ChannelEndOptions, type WsListener,
} from '@splitsim/channels';
import { SplitSimError, type Engine, type RemoteLink } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';
import type { CutLinkEnd } from './build-instance.ts';
import { ControlBlock, type ChannelSpec } from './control.ts';

export interface ChannelHooks {
  /** Runs while an outbound ring is full (the instance loop's whileFull). */
  whileFull: () => void;
  /** Socket input arrived: ring our own doorbell. */
  onInput: () => void;
  /** A socket closed while the run was on. */
  onLost: (channel: string, why: string) => void;
}

/**
 * The channel ends of one instance. Ring ends exist at once (the orchestrator made the shared
 * buffers); socket ends in two steps, so that every listener is up before anyone connects:
 * listen() before the instance reports ready, connect() on the orchestrator's command. Then each
 * end says HELLO, and cut ports are pointed at their channel's end.
 */
export class InstanceChannels {
  readonly ends: ChannelEnd[] = [];
  /** The cut links of this instance (their channel, handler, latency and bytes sent). */
  readonly trunk: Trunk;
  private readonly servers = new Map<number, { server: Server; accepted: Promise<Socket> }>();
  private readonly wsServers = new Map<number, WsListener>();

  constructor(
    private readonly plan: Plan,
    private readonly instance: number,
    private readonly engine: Engine,
    private readonly cut: Map<number, CutLinkEnd>,
    private readonly specs: ChannelSpec[],
    private readonly hooks: ChannelHooks,
  ) {
    this.trunk = new Trunk(plan.links.reduce((m, l) => Math.max(m, l.id + 1), 0));
    for (const c of cut.values()) this.trunk.add(c.link, c.channel, c.handler, c.port.latency, `${c.port.ctx.path}.${c.port.name}`);
    for (const s of specs) {
      if (s.transport !== 'ring') continue;
      this.ends.push(new RingChannelEnd({ ...this.options(s.channel), out: s.out, in: s.in, peerBell: new ControlBlock(s.peerControl).bell, whileFull: hooks.whileFull }));
    }
  }

  /** Sockets and WebSockets live on the event loop: the instance must yield to it. */
  get usesSockets(): boolean {
    return this.specs.some((s) => s.transport !== 'ring');
  }

  /** Listens on every channel this end listens on; returns the port of each WebSocket channel. */
  async listen(log?: (line: string) => void): Promise<Array<[number, number]>> {
    const ports: Array<[number, number]> = [];
    for (const s of this.specs) {
      if (s.transport === 'socket' && s.listen) this.servers.set(s.channel, await listenChannel(s.path));
      if (s.transport === 'ws' && s.listen) {
        const l = await listenWsChannel({ host: s.host, ports: s.ports, path: s.path, token: s.token, ...(log ? { log } : {}) });
        this.wsServers.set(s.channel, l);
        ports.push([s.channel, l.port]);
      }
    }
    return ports;
  }

  /**
   * Connects (or accepts) every socket channel, says HELLO on every channel, attaches cut ports.
   * `peers`: the URL of each WebSocket channel this end connects to.
   */
  async connect(peers: ReadonlyMap<number, string> = new Map()): Promise<void> {
    const pending = this.specs.map(async (s) => {
      if (s.transport === 'ring') return;
      let socket: ByteStream;
      if (s.transport === 'socket') socket = s.listen ? await this.servers.get(s.channel)!.accepted : await connectChannel(s.path);
      else if (s.listen) socket = await this.wsServers.get(s.channel)!.accepted;
      else {
        const url = peers.get(s.channel);
        if (url === undefined) throw new SplitSimError('E_CHANNEL', `channel ${this.plan.channels[s.channel]!.name}: the coordinator gave no address to connect to`, { channel: s.channel });
        socket = await connectWsChannel(url, s.token);
      }
      const name = this.plan.channels[s.channel]!.name;
      this.ends.push(new SocketChannelEnd({ ...this.options(s.channel), socket, onInput: this.hooks.onInput, onLost: (why) => this.hooks.onLost(name, why) }));
    });
    await Promise.all(pending);
    // Channel order fixes the order of profile entries and counts: plan order.
    this.ends.sort((a, b) => a.channel - b.channel);
    for (const e of this.ends) e.hello(e.inbound);
    const byChannel = new Map(this.ends.map((e) => [e.channel, e]));
    for (const c of this.cut.values()) {
      const end = byChannel.get(c.channel);
      if (!end) throw new SplitSimError('E_CHANNEL', `${c.port.ctx.path}.${c.port.name}: its link is cut onto channel ${c.channel}, which this instance was not given`, { link: c.link });
      c.port.remote = c.silent ? new SilentEnd(`${c.port.ctx.path}.${c.port.name}`, this.plan.channels[c.channel]!.name) : end;
    }
  }

  close(): void {
    for (const e of this.ends) e.close();
    for (const { server } of this.servers.values()) server.close();
    for (const l of this.wsServers.values()) l.close();
  }

  private options(channel: number): ChannelEndOptions {
    const ch = this.plan.channels[channel];
    if (!ch || (ch.a !== this.instance && ch.b !== this.instance)) {
      throw new SplitSimError('E_CHANNEL', `instance ${this.plan.instances[this.instance]?.name}: channel ${channel} is not one of its channels`, { channel });
    }
    const peer = this.plan.instances[ch.a === this.instance ? ch.b : ch.a]!.name;
    return { channel, name: ch.name, peer, lookahead: ch.lookahead, syncInterval: ch.syncInterval, trunk: this.trunk, inbox: this.engine };
  }
}

/**
 * Where a silent end's port sends: the plan says it never does (the traffic analysis found no
 * route through it), so the peer asks it for no promises, and a message now could arrive in the
 * peer's past. Fail the run instead, naming the port.
 */
class SilentEnd implements RemoteLink {
  constructor(
    private readonly port: string,
    private readonly channel: string,
  ) {}

  send(): void {
    throw new SplitSimError(
      'E_CHANNEL',
      `${this.port} sent a message on its cut link (channel ${this.channel}), but the plan marks this end silent: the traffic analysis (routeNetwork) found no application's route through it. A model sends where its declared applications and routes do not lead; route the system again after changing applications, or report the model`,
      { port: this.port },
    );
  }
}
