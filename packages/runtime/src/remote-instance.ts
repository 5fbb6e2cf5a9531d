import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { Plan } from '@splitsim/instantiation';
import type { Command, Report } from './control.ts';
import type { HandleEvents, InstanceHandle } from './instance-handle.ts';
import { modulesForRunners } from './runner-modules.ts';
import { urlHost, type RunnerAddress } from './remote-placement.ts';
import {
  channelPath, CONTROL_PATH, decode, encode, fromRunnerSchema, HEARTBEAT_LOST_MS, HEARTBEAT_MS, MAX_CONTROL_MESSAGE, RUNNER_PROTOCOL, type FromRunner, type ToRunner,
} from './runner-protocol.ts';

export interface RemoteOptions {
  runners: readonly RunnerAddress[];
  token: string;
  until: number | null;
  profileNs: number;
  /** Wall time (ms) between progress reports of remote instances, as the coordinator's own instances make them. */
  progressMs: number;
  /** The coordinator's run directory: profile lines of remote instances are written there. */
  runDir: string | null;
  /** Where the project's model modules are, as paths runners look for in their own copy (default: the working directory). */
  project?: string;
  /** A runner silent this long (ms) is lost; it gives the coordinator up after the same silence. Default HEARTBEAT_LOST_MS. */
  lostAfterMs?: number;
  log?: (line: string) => void;
}

/** After a kill, how long a runner has to confirm that the instance ended before it counts as ended. */
const KILL_CONFIRM_MS = 500;

/**
 * The coordinator's side of a distributed run: one control connection per runner, and one
 * instance handle per remote instance behind the same interface as a thread or a process
 * (commands down, reports up, exit, kill). A runner that refuses the run, cannot be reached,
 * closes its connection or misses heartbeats for HEARTBEAT_LOST_MS fails the run with E_RUNNER,
 * naming the runner; its instances count as ended at once, so the orchestrator's usual failure
 * path ends the rest and keeps what was gathered.
 */
export class RemoteRun {
  readonly id = randomUUID();
  private readonly links = new Map<string, RunnerLink>();
  /** Port of each WebSocket channel's listening end, from its instance's ready report. */
  readonly ports = new Map<number, number>();
  readonly where: string[];
  readonly lostAfterMs: number;

  constructor(
    readonly plan: Plan,
    readonly o: RemoteOptions,
  ) {
    this.where = plan.instances.map((i) => i.placement.runner ?? '');
    this.lostAfterMs = o.lostAfterMs ?? HEARTBEAT_LOST_MS;
    const modules = modulesForRunners(plan, o.project ?? process.cwd());
    for (const r of o.runners) {
      if (!this.where.includes(r.name)) continue;
      const start: ToRunner = { t: 'start', protocol: RUNNER_PROTOCOL, run: this.id, runner: r.name, plan, where: this.where, modules, until: o.until, profileNs: o.profileNs, progressMs: o.progressMs, lostAfterMs: this.lostAfterMs };
      this.links.set(r.name, new RunnerLink(this, r, start));
    }
  }

  handle(instance: number, on: HandleEvents): InstanceHandle {
    const link = this.links.get(this.where[instance]!)!;
    const h = new RemoteHandle(this, link, instance, on);
    link.handles.push(h);
    return h;
  }

  /** Opens every control connection; call once every handle exists. */
  start(): void {
    for (const l of this.links.values()) l.open();
  }

  /** The URL of each WebSocket channel `instance` connects to (it is the channel's `b` end). */
  peersOf(instance: number): Array<[number, string]> {
    const out: Array<[number, string]> = [];
    for (const ch of this.plan.channels) {
      if (ch.b !== instance || this.where[ch.a] === this.where[ch.b]) continue;
      const r = this.links.get(this.where[ch.a]!)!.address;
      const port = this.ports.get(ch.id);
      if (port === undefined) continue;
      out.push([ch.id, `ws://${urlHost(r.host)}:${port}${channelPath(this.id, ch.id)}`]);
    }
    return out;
  }

  /** Closes every control connection (the run is over). */
  close(): void {
    for (const l of this.links.values()) l.close();
  }
}

class RunnerLink {
  readonly handles: RemoteHandle[] = [];
  private ws: WebSocket | null = null;
  private lost = false;
  private lastSeen = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Instances whose profile file this run has begun (later lines are appended). */
  private readonly profiles = new Set<number>();
  pid = -1;

  constructor(
    private readonly run: RemoteRun,
    readonly address: RunnerAddress,
    private readonly start: ToRunner,
  ) {}

  get label(): string {
    return `runner ${this.address.name} (${this.address.host}:${this.address.port})`;
  }

  open(): void {
    const ws = new WebSocket(`ws://${urlHost(this.address.host)}:${this.address.port}${CONTROL_PATH}`, {
      headers: { authorization: `Bearer ${this.run.o.token}` },
      perMessageDeflate: false,
      maxPayload: MAX_CONTROL_MESSAGE,
      handshakeTimeout: 5000,
    });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      this.lastSeen = performance.now();
      this.send(this.start);
      this.heartbeat = setInterval(() => {
        if (performance.now() - this.lastSeen > this.run.lostAfterMs) this.lose(`no heartbeat for ${((performance.now() - this.lastSeen) / 1000).toFixed(1)} s`);
        else if (ws.readyState === ws.OPEN) ws.ping();
      }, HEARTBEAT_MS);
    });
    ws.on('pong', () => (this.lastSeen = performance.now()));
    ws.on('unexpected-response', (_req, res) => {
      this.lose(`refused the connection: ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
      ws.terminate();
    });
    ws.on('error', (err) => this.lose(this.pid < 0 ? `cannot be reached: ${err.message}` : err.message));
    ws.on('close', (code, reason) => this.lose(`closed the connection${code !== 1005 && code !== 1006 ? ` (${code}${reason.length ? ` ${reason.toString()}` : ''})` : ''}`));
    ws.on('message', (data) => {
      this.lastSeen = performance.now();
      let m: FromRunner;
      try {
        const parsed = fromRunnerSchema.safeParse(decode(data as Buffer));
        if (!parsed.success) return this.lose(`broke the runner protocol: ${parsed.error.issues[0]?.message ?? 'bad message'}`);
        m = parsed.data;
      } catch (err) {
        return this.lose(`broke the runner protocol: ${(err as Error).message}`);
      }
      this.onMessage(m);
    });
  }

  private onMessage(m: FromRunner): void {
    const h = 'instance' in m ? this.handles.find((x) => x.instance === m.instance) : undefined;
    switch (m.t) {
      case 'accepted':
        this.pid = m.pid;
        this.run.o.log?.(`${this.label}: accepted the run (runner pid ${m.pid}, splitsim ${m.version})`);
        return;
      case 'refused':
        return this.lose(`refused the run: ${m.reason}`, m.code);
      case 'report': {
        if (!h) return;
        const r = m.report as Report;
        if (r.type === 'ready') {
          for (const [channel, port] of r.listening ?? []) this.run.ports.set(channel, port);
          return h.on.report({ type: 'ready' });
        }
        return h.on.report(r);
      }
      case 'profile':
        if (h) this.writeProfile(h, m.data);
        return;
      case 'exit':
        h?.exited(m.how);
        if (this.handles.every((x) => x.gone)) this.close();
        return;
      case 'error':
        this.run.o.log?.(`${this.label} reported a protocol error: ${m.reason}`);
        return;
      case 'status':
        return;
    }
  }

  private writeProfile(h: RemoteHandle, data: string): void {
    const dir = this.run.o.runDir;
    if (dir === null) return;
    mkdirSync(join(dir, 'profile'), { recursive: true });
    const name = this.run.plan.instances[h.instance]!.name;
    const fd = openSync(join(dir, 'profile', `${name}.jsonl`), this.profiles.has(h.instance) ? 'a' : 'w');
    this.profiles.add(h.instance);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
  }

  send(m: ToRunner): boolean {
    if (this.lost || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(encode(m), { binary: true });
    return true;
  }

  /** The runner is gone (or refused): its instances fail, naming it, and count as ended now. */
  lose(why: string, code = 'E_RUNNER'): void {
    if (this.lost) return;
    this.lost = true;
    this.stopHeartbeat();
    this.ws?.terminate();
    const left = this.handles.filter((h) => !h.gone);
    if (left.length === 0) return;
    const names = left.map((h) => this.run.plan.instances[h.instance]!.name).join(', ');
    const message = `${this.label} ${why} (its instance${left.length === 1 ? '' : 's'} ${names})`;
    left[0]!.on.report({ type: 'failed', failure: { instance: this.run.plan.instances[left[0]!.instance]!.name, code, message } });
    for (const h of left) h.exited(`its runner ${this.address.name} ${why.split(':')[0]}`);
  }

  close(): void {
    this.stopHeartbeat();
    this.lost = true;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'run over');
    else this.ws?.terminate();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

class RemoteHandle implements InstanceHandle {
  readonly kind = 'remote' as const;
  gone = false;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: RemoteRun,
    private readonly link: RunnerLink,
    readonly instance: number,
    readonly on: HandleEvents,
  ) {}

  get pid(): number {
    return this.link.pid;
  }

  command(c: Command): void {
    if (this.gone) return;
    const command = c.op === 'connect' ? { op: 'connect' as const, peers: this.run.peersOf(this.instance) } : c;
    this.link.send({ t: 'command', instance: this.instance, command });
  }

  kill(): void {
    if (this.gone) return;
    this.link.send({ t: 'kill', instance: this.instance });
    // A runner that cannot confirm is as good as gone for this run.
    this.killTimer ??= setTimeout(() => this.exited('killed; its runner did not confirm'), KILL_CONFIRM_MS);
  }

  exited(how: string): void {
    if (this.gone) return;
    this.gone = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.on.exit(how);
  }
}
