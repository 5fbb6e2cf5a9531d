import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Plan } from '@splitsim/instantiation';
import { ControlBlock, type Command, type InstanceSpec, type Report } from './control.ts';
import { instanceEntry } from './instance-entry.ts';
import { runnerShare, type RunnerShare } from './remote-placement.ts';
import type { FromRunner, StartMessage } from './runner-protocol.ts';

/** What a runner gives each of its runs. */
export interface RunnerContext {
  /** The address channel listeners bind (the runner's own). */
  host: string;
  /** Ports channel listeners may take ([0]: any). */
  channelPorts: number[];
  token: string;
  log: (line: string) => void;
}

/** Time an instance gets to stop and report after an abort, before its thread is ended. */
const ABORT_GRACE_MS = 600;
/** Profile lines go up this often (and whatever is left when an instance ends). */
const PROFILE_FORWARD_MS = 250;

interface Local {
  id: number;
  name: string;
  worker: Worker;
  control: ControlBlock;
  exited: boolean;
  profileAt: number;
}

/**
 * One run on a runner: its share of the plan's instances as worker threads (shared-memory rings
 * between them, WebSockets to the other runners), commands from the coordinator applied to them,
 * their reports and profile lines sent up, their exits reported. The plan is data, checked and
 * with its model modules resolved in this runner's project before this is made (runner-server).
 * When the coordinator goes away every instance is aborted, then ended.
 */
export class RunnerRun {
  private readonly locals = new Map<number, Local>();
  private readonly share: RunnerShare;
  private readonly dir: string;
  private profileTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private doneCalled = false;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly start: StartMessage,
    private readonly plan: Plan,
    private readonly send: (m: FromRunner) => void,
    private readonly onDone: () => void,
  ) {
    this.share = runnerShare(plan, start.where, start.runner, { run: start.run, host: ctx.host, ports: ctx.channelPorts, token: ctx.token });
    // Profile logs are written here, then sent to the coordinator's run directory.
    this.dir = mkdtempSync(join(tmpdir(), `splitsim-run-${start.run}-`));
  }

  get instances(): number[] {
    return this.share.instances;
  }

  get active(): number {
    return [...this.locals.values()].filter((l) => !l.exited).length;
  }

  async begin(): Promise<void> {
    const entry = await instanceEntry();
    for (const id of this.share.instances) {
      const spec: InstanceSpec = {
        plan: this.plan, instance: id, until: this.start.until,
        runDir: this.dir, profileNs: this.start.profileNs, spinNs: this.share.spinNs, progressMs: this.start.progressMs,
        control: this.share.controls.get(id)!, channels: this.share.channels.get(id)!,
      };
      const worker = new Worker(entry.thread, { workerData: spec });
      const local: Local = { id, name: this.plan.instances[id]!.name, worker, control: new ControlBlock(spec.control!), exited: false, profileAt: 0 };
      this.locals.set(id, local);
      worker.on('message', (r: Report) => this.send({ t: 'report', instance: id, report: r }));
      worker.on('error', (err) => this.send({ t: 'report', instance: id, report: { type: 'failed', failure: { instance: local.name, message: `worker thread failed: ${err.message}` } } }));
      worker.on('exit', (code) => this.exited(local, `exit code ${code}`));
    }
    if (this.start.profileNs > 0) this.profileTimer = setInterval(() => this.locals.forEach((l) => this.forwardProfile(l)), PROFILE_FORWARD_MS);
  }

  command(instance: number, c: Command): boolean {
    const l = this.locals.get(instance);
    if (!l) return false;
    if (l.exited) return true;
    // The peers must be there before the instance sees the command: both go in one message.
    if (c.op === 'connect' && c.peers) l.worker.postMessage({ command: c });
    else l.control.apply(c);
    return true;
  }

  kill(instance: number): boolean {
    const l = this.locals.get(instance);
    if (!l) return false;
    if (!l.exited) void l.worker.terminate();
    return true;
  }

  /** The coordinator is gone: abort every instance, end the ones still there after the grace time. */
  abandon(): void {
    for (const l of this.locals.values()) if (!l.exited) l.control.apply({ op: 'abort', why: 'failed' });
    this.killTimer ??= setTimeout(() => this.locals.forEach((l) => !l.exited && void l.worker.terminate()), ABORT_GRACE_MS);
    if (this.locals.size === 0) this.finish();
  }

  private exited(l: Local, how: string): void {
    l.exited = true;
    this.forwardProfile(l);
    this.send({ t: 'exit', instance: l.id, how });
    if (this.active === 0) this.finish();
  }

  private finish(): void {
    if (this.doneCalled) return;
    this.doneCalled = true;
    if (this.profileTimer) clearInterval(this.profileTimer);
    if (this.killTimer) clearTimeout(this.killTimer);
    rmSync(this.dir, { recursive: true, force: true });
    this.onDone();
  }

  /** Sends the whole lines an instance's profile log gained since last time. */
  private forwardProfile(l: Local): void {
    if (this.start.profileNs <= 0) return;
    let fd: number;
    try {
      fd = openSync(join(this.dir, 'profile', `${l.name}.jsonl`), 'r');
    } catch {
      return;
    }
    try {
      const chunks: Buffer[] = [];
      const buf = Buffer.allocUnsafe(1 << 16);
      let at = l.profileAt;
      for (let n; (n = readSync(fd, buf, 0, buf.length, at)) > 0; at += n) chunks.push(Buffer.from(buf.subarray(0, n)));
      const data = Buffer.concat(chunks);
      const whole = data.lastIndexOf(0x0a) + 1;
      if (whole > 0) {
        this.send({ t: 'profile', instance: l.id, data: data.subarray(0, whole).toString('utf8') });
        l.profileAt += whole;
      }
    } finally {
      closeSync(fd);
    }
  }
}
