import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTime, SplitSimError } from '@splitsim/kernel';
import type { Catalog, Plan } from '@splitsim/instantiation';
import { createControl, PROGRESS_MS, ringPair, spinNsFor, type ChannelSpec, type Failure, type InstanceSpec, type Report } from './control.ts';
import { startInline } from './inline-instance.ts';
import { instanceEntry } from './instance-entry.ts';
import { startExternal } from './external-instance.ts';
import { startProcess, startThread, type InstanceHandle, type InstanceKind } from './instance-handle.ts';
import { eventsOf, type ProgressListener, type RunOutcome } from './outcome.ts';
import { RemoteRun } from './remote-instance.ts';
import { runnerOf, type RunnerAddress } from './remote-placement.ts';
import type { Stopper, StopRequest } from './stopper.ts';
import { Termination, type Verdict } from './termination.ts';

export interface RunOptions {
  /** End time, ps. */
  until?: number;
  /** Event limit: only for a plan of one instance run in-process (which events come first across instances is only known in one engine). */
  maxEvents?: number;
  /** Where profile logs go (`<runDir>/profile/<instance>.jsonl`); needed when profileNs > 0. */
  runDir?: string | null;
  /** Profile interval, ns of wall time; 0 for none. */
  profileNs?: number;
  /** Places every instance so, whatever the plan says; `inline` (in this thread) only for a plan of one instance. */
  placement?: InstanceKind;
  /** The plan's models, for an in-process instance (its module catalogue, already loaded by the caller). */
  catalog?: Catalog;
  /** About once a second (progressMs): the simulated time every instance has passed, events so far. */
  progress?: ProgressListener;
  /** Least wall time between progress calls, ms (default PROGRESS_MS, 1000): a live terminal line wants them more often. */
  progressMs?: number;
  /** Each line of the run's log as it happens (the same lines end up in the outcome's log). */
  log?: (line: string) => void;
  /** Ends the run from outside: an interrupt (signals), a failure (the run directory's disk). */
  stopper?: Stopper;
  /**
   * Wall time (ns) a blocked instance spins on its input before it parks. Default: 50 µs with
   * fewer instances than cores, 10 µs with as many, none with more (a spinning instance would
   * take the core that the instance it waits for needs).
   */
  spinNs?: number;
  /** Called once per instance when it has started (for logs and for tests that kill one). */
  started?: (instance: string, kind: InstanceKind, pid: number) => void;
  /** The runners of instances placed remote (placeOnRunners), and the token they take. */
  runners?: { list: readonly RunnerAddress[]; token: string; lostAfterMs?: number };
}

/** Time an instance gets to stop and report after an abort, before it is killed. */
const ABORT_GRACE_MS = 600;

/**
 * Runs a plan, every placement the same way: one instance handle per instance (in-process for a
 * plan of one instance, a worker thread, a child process, an external program, an instance on a
 * runner), joined by channels (shared-memory rings between threads, Unix-domain sockets
 * otherwise; a plan on runners has its runners build its channels, remote-placement.ts). Start-up cannot deadlock: every
 * instance builds and listens, then all connect, then all start. The run ends on the
 * termination verdict, on an interrupt, or on the first failure, and in every case every thread
 * and process is gone and the socket directory removed before this resolves. It never throws
 * for what happens during the run: the outcome's status says how it ended.
 */
export async function runPlan(plan: Plan, options: RunOptions = {}): Promise<RunOutcome> {
  const t0 = performance.now();
  const n = plan.instances.length;
  // External instances run where their program runs; the placement override moves only ours.
  const kinds = plan.instances.map((inst) => (inst.placement.kind === 'external' ? 'external' : (options.placement ?? inst.placement.kind)));
  kinds.forEach((k, i) => {
    const name = plan.instances[i]!.name;
    if (k === 'inline' && n > 1) throw new SplitSimError('E_CONFIG', `instance ${name}: only a plan of one instance runs in-process; this one has ${n}`, { instance: name });
  });
  if (options.maxEvents !== undefined && kinds[0] !== 'inline') {
    throw new SplitSimError('E_CONFIG', '--max-events needs a run in one instance: which events come first across instances is only known in one engine; use --until', { field: '--max-events' });
  }
  const until = options.until ?? Infinity;
  const log: string[] = [];
  const say = (line: string) => {
    log.push(line);
    options.log?.(line);
  };
  // Instances on runners: the runners build their own channels (remote-placement.ts).
  let remote: RemoteRun | null = null;
  if (kinds.includes('remote')) {
    runnerOf(plan);
    if (!options.runners) throw new SplitSimError('E_CONFIG', `instance ${plan.instances[kinds.indexOf('remote')]!.name} is placed on a runner; give the runners (--runners name=host:port and --token-file)`, {});
    const r = options.runners;
    remote = new RemoteRun(plan, { runners: r.list, token: r.token, until: until === Infinity ? null : until, profileNs: options.profileNs ?? 0, progressMs: options.progressMs ?? PROGRESS_MS, runDir: options.runDir ?? null, log: say, ...(r.lostAfterMs ? { lostAfterMs: r.lostAfterMs } : {}) });
  }
  const spinNs = options.spinNs ?? spinNsFor(n);
  const controls = kinds.map((k) => (k === 'thread' ? createControl() : null));
  const sockets = new SocketDir();
  const channelSpecs: ChannelSpec[][] = plan.instances.map(() => []);
  for (const ch of plan.channels) {
    if (remote) break;
    if (kinds[ch.a] === 'thread' && kinds[ch.b] === 'thread') {
      const [a, b] = ringPair(ch.id, controls[ch.a]!, controls[ch.b]!);
      channelSpecs[ch.a]!.push(a);
      channelSpecs[ch.b]!.push(b);
    } else {
      const path = join(sockets.dir(), `c${ch.id}.sock`);
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
  let interrupted: string | null = null;
  let goAt = 0;
  let endAt = 0;
  let lastProgress = performance.now();
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  let killTimer: NodeJS.Timeout | null = null;

  const killAll = () => handles.forEach((h, i) => !exited.has(i) && h.kill());
  const broadcast = (c: Parameters<InstanceHandle['command']>[0]) => handles.forEach((h, i) => !exited.has(i) && h.command(c));
  const checkSettled = () => {
    if (exited.size === n) settle();
  };
  const abort = (why: 'interrupted' | 'failed') => {
    broadcast({ op: 'abort', why });
    killTimer ??= setTimeout(killAll, ABORT_GRACE_MS);
  };
  const fail = (f: Failure) => {
    if (failure !== null || (verdict !== null && finished.size === n)) return;
    // After an interrupt an instance may die or lose a pipe on its way out: that is the interrupt's doing.
    if (interrupted !== null) return say(`after the interrupt: instance ${f.instance}: ${f.message}`);
    failure = f;
    say(`failed: instance ${f.instance}: ${f.message}`);
    abort('failed');
  };
  const decide = () => {
    if (verdict !== null || failure !== null || interrupted !== null) return;
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
          // Every channel is joined: nobody opens a socket by its path again.
          sockets.remove();
          goAt = performance.now();
          broadcast({ op: 'go' });
        }
        break;
      case 'progress': {
        progress[i] = { now: r.now, events: r.events };
        const t = performance.now();
        if (options.progress && t - lastProgress >= (options.progressMs ?? PROGRESS_MS)) {
          lastProgress = t;
          options.progress({ now: Math.min(...progress.map((p) => p.now)), events: progress.reduce((s, p) => s + p.events, 0), wallSeconds: (t - t0) / 1000 });
        }
        break;
      }
      case 'blocked':
        progress[i]!.now = r.now;
        termination.blocked(i, r.now, r.next, r.counts);
        decide();
        break;
      case 'done':
        progress[i]!.now = r.now;
        termination.done(i, r.now, r.queue, r.counts, r.maxEvents);
        decide();
        break;
      case 'stopped':
        if (termination.stopped(i, r.time, r.order, r.message, r.counts)) broadcast({ op: 'stop', time: r.time, order: r.order });
        decide();
        break;
      case 'overrun':
        termination.overrun(i);
        say(`warning: instance ${name} had run to ${formatTime(r.now)}, past the stop point, before it heard of it; its statistics include events a sequential run would not execute`);
        break;
      case 'failed':
        fail(r.failure);
        break;
      case 'finished':
        finished.set(i, r);
        // Every instance exits by itself once it has reported; this only bounds a hang.
        if (finished.size === n) killTimer ??= setTimeout(killAll, 5000);
        break;
      case 'bye':
        break;
    }
  };

  const onExit = (i: number, how: string) => {
    exited.add(i);
    const name = plan.instances[i]!.name;
    if (interrupted !== null && !finished.has(i) && failure === null) say(`instance ${name} ended (${how}) before it reported its statistics`);
    const expected = finished.has(i) || failure !== null || interrupted !== null;
    if (!expected) {
      const command = plan.instances[i]!.placement.command?.join(' ');
      const where = kinds[i] === 'process' ? `process ${handles[i]?.pid}` : kinds[i] === 'thread' ? 'thread' : kinds[i] === 'remote' ? `runner ${plan.instances[i]!.placement.runner}` : kinds[i] === 'external' ? `external process ${handles[i]?.pid}: ${command}` : 'in-process';
      fail({ instance: name, code: 'E_INSTANCE', message: `instance ${name} (${where}) ended unexpectedly: ${how}` });
    }
    checkSettled();
  };

  const onStop = (r: StopRequest) => {
    if (r.kind === 'fail') return fail(r.failure);
    if (r.now) {
      // A second interrupt: nobody waits for statistics any more.
      if (interrupted === null && failure === null) interrupted = r.why;
      say(`${r.why} again: ending every instance now`);
      return killAll();
    }
    if (interrupted !== null || failure !== null || (verdict !== null && finished.size === n)) return;
    interrupted = r.why;
    say(`interrupted (${r.why})`);
    abort('interrupted');
  };
  const unlisten = options.stopper?.listen(onStop);

  try {
    // Bundling the instance entry can take seconds; an in-process instance needs none.
    const entry = kinds.some((k) => k === 'thread' || k === 'process') ? await instanceEntry() : null;
    for (let i = 0; i < n; i++) {
      const spec: InstanceSpec = {
        plan, instance: i, until: until === Infinity ? null : until, maxEvents: options.maxEvents ?? null,
        runDir: options.runDir ?? null, profileNs: options.profileNs ?? 0,
        spinNs, ...(options.progressMs !== undefined ? { progressMs: options.progressMs } : {}),
        control: controls[i] ?? null, channels: channelSpecs[i]!,
      };
      const events = { report: (r: Report) => onReport(i, r), exit: (how: string) => onExit(i, how) };
      const k = kinds[i]!;
      const h = remote ? remote.handle(i, events)
        : k === 'inline' ? startInline(spec, events, options.catalog ?? null)
        : k === 'thread' ? startThread(entry!, spec, events)
        : k === 'process' ? startProcess(entry!, spec, events)
        : startExternal(spec, events);
      handles.push(h);
      const command = k === 'external' ? ` (${plan.instances[i]!.placement.command!.join(' ')})` : '';
      const where = h.kind === 'remote' ? `runner ${plan.instances[i]!.placement.runner}` : `${h.kind}${h.kind === 'process' || h.kind === 'external' ? ` pid ${h.pid}` : ''}${command}`;
      const channels = remote ? plan.channels.filter((c) => c.a === i || c.b === i).length : channelSpecs[i]!.length;
      say(`instance ${plan.instances[i]!.name}: ${where}, ${plan.instances[i]!.components.length} components, ${channels} channels`);
      options.started?.(plan.instances[i]!.name, h.kind, h.pid);
    }
    remote?.start();
    // An interrupt that came while the instances were being started reaches them now.
    if (interrupted !== null) abort('interrupted');
    await settled;
  } finally {
    if (killTimer) clearTimeout(killTimer);
    unlisten?.();
    sockets.remove();
    remote?.close();
  }
  return outcome();

  function outcome(): RunOutcome {
    const wallSeconds = (performance.now() - t0) / 1000;
    const runSeconds = goAt === 0 ? 0 : ((endAt || performance.now()) - goAt) / 1000;
    for (let i = 0; i < n; i++) {
      const f = finished.get(i);
      if (f && f.log.length > 0) f.log.forEach((l) => say(`${plan.instances[i]!.name}: ${l}`));
    }
    const events = [...finished.values()].reduce((s, f) => s + f.events, 0);
    // The simulated time every instance had passed, as far as their last reports tell.
    const reached = Math.min(...progress.map((p) => p.now));
    const failed = failure as Failure | null;
    if (failed !== null) {
      return { status: 'failed', result: { reason: 'failed', now: failed.time ?? reached, events, message: failed.message }, metrics: null, wallSeconds, runSeconds, log, failure: failed };
    }
    // Statistics only when every instance reported: a part of the system is not the system.
    const metrics = finished.size === n ? [...finished.values()].flatMap((f) => f.metrics).sort((a, b) => a.id - b.id) : null;
    if (interrupted !== null || verdict === null) {
      const now = metrics !== null ? Math.min(...[...finished.values()].map((f) => f.now)) : reached;
      if (metrics === null) say(`interrupted before every instance reported: no statistics (${finished.size} of ${n} reported)`);
      return { status: 'interrupted', result: { reason: 'interrupted', now, events: metrics ? eventsOf(metrics) : events }, metrics, wallSeconds, runSeconds, log, interrupt: interrupted ?? 'unknown' };
    }
    if (grants > 0) say(`${grants} global lower bound${grants === 1 ? '' : 's'} granted to instances that were all blocked`);
    const v = verdict as Verdict;
    const result: RunOutcome['result'] = { reason: v.reason, now: v.now, events: eventsOf(metrics!) };
    if (v.message !== undefined) result.message = v.message;
    const out: RunOutcome = { status: 'completed', result, metrics, wallSeconds, runSeconds, log };
    if (v.reason === 'stopped') out.stopExact = termination.overran.size === 0;
    return out;
  }
}

/**
 * The directory of a run's Unix-domain sockets, made when the first socket channel needs it.
 * It is removed as soon as every channel is joined, at the end of the run whatever happens, and,
 * should the process exit before either, by an exit hook.
 */
class SocketDir {
  private path: string | null = null;
  private readonly onExit = () => this.remove();

  dir(): string {
    if (this.path === null) {
      this.path = mkdtempSync(join(tmpdir(), 'splitsim-'));
      process.on('exit', this.onExit);
    }
    return this.path;
  }

  remove(): void {
    if (this.path === null) return;
    rmSync(this.path, { recursive: true, force: true });
    this.path = null;
    process.off('exit', this.onExit);
  }
}
