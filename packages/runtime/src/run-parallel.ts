import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRing } from '@splitsim/channels';
import { formatTime, SplitSimError, type ComponentMetrics, type StopReason } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';
import { createControl, type ChannelSpec, type Failure, type InstanceSpec, type Report } from './control.ts';
import { instanceEntry } from './instance-entry.ts';
import { startExternal } from './external-instance.ts';
import { startProcess, startThread, type InstanceHandle } from './instance-handle.ts';
import { RemoteRun } from './remote-instance.ts';
import { runnerOf, type RunnerAddress } from './remote-placement.ts';
import { Termination, type Verdict } from './termination.ts';

export interface ParallelOptions {
  /** End time, ps. */
  until?: number;
  /** Where profile logs go (`<runDir>/profile/<instance>.jsonl`); needed when profileNs > 0. */
  runDir?: string | null;
  /** Profile interval, ns of wall time; 0 for none. */
  profileNs?: number;
  /** Places every instance so, whatever the plan says (except external ones: only their program can run them). */
  placement?: 'thread' | 'process';
  /** About once a second: the simulated time every instance has passed, events so far. */
  progress?: (now: number, events: number, wallSeconds: number) => void;
  /** Aborting it interrupts the run: instances stop, report what they have, the result is `interrupted`. */
  signal?: AbortSignal;
  /**
   * Wall time (ns) a blocked instance spins on its input before it parks. Default: 50 µs with
   * fewer instances than cores, 10 µs with as many, none with more (a spinning instance would
   * take the core that the instance it waits for needs).
   */
  spinNs?: number;
  /** Called once per instance when it has started (for logs and for tests that kill one). */
  started?: (instance: string, kind: InstanceHandle['kind'], pid: number) => void;
  /** The runners of instances placed remote (placeOnRunners), and the token they take. */
  runners?: { list: readonly RunnerAddress[]; token: string; lostAfterMs?: number };
}

export type RunStatus = 'completed' | 'interrupted' | 'failed';

export interface ParallelResult {
  status: RunStatus;
  result: { reason: StopReason | 'interrupted' | 'failed'; now: number; events: number; message?: string };
  /** Per-component statistics in id order; null when the run failed. */
  metrics: ComponentMetrics[] | null;
  /** Wall time of the whole run, start-up included. */
  wallSeconds: number;
  /** Wall time from the start signal to the end: the simulation itself. */
  runSeconds: number;
  log: string[];
  failure?: Failure;
  /** False when a component stopped the run and some instance had already run past that point. */
  stopExact?: boolean;
}

/** Time an instance gets to stop and report after an abort, before it is killed. */
const ABORT_GRACE_MS = 600;

/**
 * Runs a partitioned plan: one worker thread or child process per instance, joined by channels
 * (shared-memory rings between threads, Unix-domain sockets otherwise). Start-up cannot
 * deadlock: every instance builds and listens, then all connect, then all start. The run ends on
 * the termination verdict, on an abort (interrupt), or on the first failure, and in every case
 * every thread and process is gone before this resolves.
 */
export async function runParallel(plan: Plan, options: ParallelOptions = {}): Promise<ParallelResult> {
  const t0 = performance.now();
  const log: string[] = [];
  const n = plan.instances.length;
  const kinds = plan.instances.map((inst) => (inst.placement.kind === 'external' ? 'external' : (options.placement ?? inst.placement.kind)));
  const until = options.until ?? Infinity;
  // Instances on runners: the runners build their own channels (remote-placement.ts).
  let remote: RemoteRun | null = null;
  if (kinds.includes('remote')) {
    runnerOf(plan);
    if (!options.runners) throw new SplitSimError('E_CONFIG', `instance ${plan.instances[kinds.indexOf('remote')]!.name} is placed on a runner; give the runners (--runners name=host:port and --token-file)`, {});
    remote = new RemoteRun(plan, { runners: options.runners.list, token: options.runners.token, until: until === Infinity ? null : until, profileNs: options.profileNs ?? 0, runDir: options.runDir ?? null, log: (line) => log.push(line), ...(options.runners.lostAfterMs ? { lostAfterMs: options.runners.lostAfterMs } : {}) });
  }
  // Profile logs of an earlier run in the same directory would be read as this run's.
  if (options.runDir && (options.profileNs ?? 0) > 0) rmSync(join(options.runDir, 'profile'), { recursive: true, force: true });
  const cores = availableParallelism();
  const spinNs = options.spinNs ?? (n < cores ? 50_000 : n === cores ? 10_000 : 0);
  const controls = kinds.map((k) => (k === 'thread' ? createControl() : null));
  const socketDir = kinds.some((k) => k === 'process' || k === 'external') ? mkdtempSync(join(tmpdir(), 'splitsim-')) : null;
  const channelSpecs: ChannelSpec[][] = plan.instances.map(() => []);
  for (const ch of plan.channels) {
    if (remote) continue;
    if (kinds[ch.a] === 'thread' && kinds[ch.b] === 'thread') {
      const ab = createRing();
      const ba = createRing();
      channelSpecs[ch.a]!.push({ channel: ch.id, transport: 'ring', out: ab, in: ba, peerControl: controls[ch.b]! });
      channelSpecs[ch.b]!.push({ channel: ch.id, transport: 'ring', out: ba, in: ab, peerControl: controls[ch.a]! });
    } else {
      const dir = socketDir ?? mkdtempSync(join(tmpdir(), 'splitsim-'));
      const path = join(dir, `c${ch.id}.sock`);
      // Our end listens, so an external program need only connect (both external: the first listens).
      const aListens = kinds[ch.a] !== 'external' || kinds[ch.b] === 'external';
      channelSpecs[ch.a]!.push({ channel: ch.id, transport: 'socket', path, listen: aListens });
      channelSpecs[ch.b]!.push({ channel: ch.id, transport: 'socket', path, listen: !aListens });
    }
  }

  const termination = new Termination(plan, until);
  const handles: InstanceHandle[] = [];
  const ready = new Set<number>();
  const connected = new Set<number>();
  const finished = new Map<number, Extract<Report, { type: 'finished' }>>();
  const exited = new Set<number>();
  const progress = plan.instances.map(() => ({ now: 0, events: 0 }));
  let verdict: Verdict | null = null;
  let grants = 0;
  let failure: Failure | null = null;
  let interrupted = false;
  let goAt = 0;
  let endAt = 0;
  let lastProgress = performance.now();
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  let killTimer: NodeJS.Timeout | null = null;

  const broadcast = (c: Parameters<InstanceHandle['command']>[0]) => handles.forEach((h, i) => !exited.has(i) && h.command(c));
  const checkSettled = () => {
    if (exited.size === n) settle();
  };
  const abort = (why: 'interrupted' | 'failed') => {
    broadcast({ op: 'abort', why });
    killTimer ??= setTimeout(() => handles.forEach((h) => h.kill()), ABORT_GRACE_MS);
  };
  const fail = (f: Failure) => {
    if (failure !== null || verdict !== null && finished.size === n) return;
    failure = f;
    log.push(`failed: instance ${f.instance}: ${f.message}`);
    abort('failed');
  };
  const decide = () => {
    if (verdict !== null || failure !== null || interrupted) return;
    const d = termination.decide();
    if (d === null) return;
    if ('grant' in d) {
      grants++;
      for (const i of d.to) if (!exited.has(i)) handles[i]!.command({ op: 'grant', time: d.grant });
      return;
    }
    verdict = d.verdict;
    endAt = performance.now();
    broadcast({ op: 'end', reason: verdict.reason, now: verdict.now });
  };

  const onReport = (i: number, r: Report) => {
    const name = plan.instances[i]!.name;
    switch (r.type) {
      case 'ready':
        ready.add(i);
        if (ready.size === n) broadcast({ op: 'connect' });
        break;
      case 'connected':
        connected.add(i);
        if (connected.size === n) {
          goAt = performance.now();
          broadcast({ op: 'go' });
        }
        break;
      case 'progress': {
        progress[i] = { now: r.now, events: r.events };
        const t = performance.now();
        if (options.progress && t - lastProgress >= 1000) {
          lastProgress = t;
          options.progress(Math.min(...progress.map((p) => p.now)), progress.reduce((s, p) => s + p.events, 0), (t - t0) / 1000);
        }
        break;
      }
      case 'blocked':
        termination.blocked(i, r.now, r.next, r.counts);
        decide();
        break;
      case 'done':
        termination.done(i, r.now, r.queue, r.counts);
        decide();
        break;
      case 'stopped':
        if (termination.stopped(i, r.time, r.order, r.message, r.counts)) broadcast({ op: 'stop', time: r.time, order: r.order });
        decide();
        break;
      case 'overrun':
        termination.overrun(i);
        log.push(`warning: instance ${name} had run to ${formatTime(r.now)}, past the stop point, before it heard of it; its statistics include events a sequential run would not execute`);
        break;
      case 'failed':
        fail(r.failure);
        break;
      case 'finished':
        finished.set(i, r);
        // Every instance exits by itself once it has reported; this only bounds a hang.
        if (finished.size === n) killTimer ??= setTimeout(() => handles.forEach((h) => h.kill()), 5000);
        break;
      case 'bye':
        break;
    }
  };

  const onExit = (i: number, how: string) => {
    exited.add(i);
    const name = plan.instances[i]!.name;
    if (interrupted && !finished.has(i) && failure === null) log.push(`instance ${name} ended (${how}) before it reported its statistics`);
    const expected = finished.has(i) || failure !== null || interrupted;
    if (!expected) {
      const command = plan.instances[i]!.placement.command?.join(' ');
      const where = kinds[i] === 'thread' ? 'thread' : kinds[i] === 'remote' ? `runner ${plan.instances[i]!.placement.runner}` : kinds[i] === 'external' ? `external process ${handles[i]?.pid}: ${command}` : `process ${handles[i]?.pid}`;
      fail({ instance: name, code: 'E_INSTANCE', message: `instance ${name} (${where}) ended unexpectedly: ${how}` });
    }
    checkSettled();
  };

  const onAbort = () => {
    if (interrupted || failure !== null) return;
    interrupted = true;
    log.push('interrupted');
    abort('interrupted');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const entry = remote ? null : await instanceEntry();
  for (let i = 0; i < n; i++) {
    const spec: InstanceSpec = {
      plan, instance: i, until: until === Infinity ? null : until,
      runDir: options.runDir ?? null, profileNs: options.profileNs ?? 0,
      spinNs,
      control: controls[i] ?? null, channels: channelSpecs[i]!,
    };
    const events = { report: (r: Report) => onReport(i, r), exit: (how: string) => onExit(i, how) };
    const h = remote ? remote.handle(i, events) : kinds[i] === 'thread' ? startThread(entry!, spec, events) : kinds[i] === 'process' ? startProcess(entry!, spec, events) : startExternal(spec, events);
    handles.push(h);
    const command = kinds[i] === 'external' ? ` (${plan.instances[i]!.placement.command!.join(' ')})` : '';
    const where = h.kind === 'remote' ? `runner ${plan.instances[i]!.placement.runner}` : `${h.kind}${h.kind !== 'thread' ? ` pid ${h.pid}` : ''}${command}`;
    log.push(`instance ${plan.instances[i]!.name}: ${where}, ${plan.instances[i]!.components.length} components, ${remote ? plan.channels.filter((c) => c.a === i || c.b === i).length : channelSpecs[i]!.length} channels`);
    options.started?.(plan.instances[i]!.name, h.kind, h.pid);
  }
  remote?.start();
  if (options.signal?.aborted) onAbort();

  await settled;
  if (killTimer) clearTimeout(killTimer);
  options.signal?.removeEventListener('abort', onAbort);
  if (socketDir) rmSync(socketDir, { recursive: true, force: true });
  remote?.close();

  const wallSeconds = (performance.now() - t0) / 1000;
  const runSeconds = goAt === 0 ? 0 : ((endAt || performance.now()) - goAt) / 1000;
  for (let i = 0; i < n; i++) {
    const f = finished.get(i);
    if (f && f.log.length > 0) log.push(...f.log.map((l) => `${plan.instances[i]!.name}: ${l}`));
  }
  const failed = failure as Failure | null;
  if (failed !== null) {
    return { status: 'failed', result: { reason: 'failed', now: failed.time ?? 0, events: sumEvents(finished), message: failed.message }, metrics: null, wallSeconds, runSeconds, log, failure: failed };
  }
  const metrics = [...finished.values()].flatMap((f) => f.metrics).sort((a, b) => a.id - b.id);
  const events = metrics.reduce((s, m) => s + m.events, 0);
  if (interrupted || verdict === null) {
    const now = finished.size > 0 ? Math.min(...[...finished.values()].map((f) => f.now)) : 0;
    return { status: 'interrupted', result: { reason: 'interrupted', now, events }, metrics, wallSeconds, runSeconds, log };
  }
  if (grants > 0) log.push(`${grants} global lower bound${grants === 1 ? '' : 's'} granted to instances that were all blocked`);
  const v = verdict as Verdict;
  const result: ParallelResult['result'] = { reason: v.reason, now: v.now, events };
  if (v.message !== undefined) result.message = v.message;
  const out: ParallelResult = { status: 'completed', result, metrics, wallSeconds, runSeconds, log };
  if (v.reason === 'stopped') out.stopExact = termination.overran.size === 0;
  return out;
}

function sumEvents(finished: Map<number, { events: number }>): number {
  let s = 0;
  for (const f of finished.values()) s += f.events;
  return s;
}
