import { spanNs, type Synchronizer } from '@splitsim/channels';
import type { Engine } from '@splitsim/kernel';
import { PROGRESS_MS, type ControlBlock, type Report } from './control.ts';
import type { ProfileCosts } from './profile-costs.ts';
import type { ProfileLog } from './profile-log.ts';

/**
 * Events per runBefore() call at most. After each call the instance publishes what it sent, and
 * each message carries a promise (its send time + lookahead): small slices keep the promises its
 * peers see close to its own clock, so neighbours run side by side instead of taking turns.
 * A slice costs a few hundred ns of bookkeeping; 256 events cost about 100 µs.
 */
const SLICE = 256;
/**
 * Blocked this long (ns of wall time) without executing an event before the instance tells the
 * orchestrator (its next event and message counts), which may then grant a global lower bound or
 * end the run. Dense models never block this long; sparse ones with a short lookahead would
 * otherwise creep forward one lookahead per sync round trip.
 */
const STUCK_NS = 50_000;
/** Longest park: commands ring the bell, this only bounds how late a profile line can be. */
const PARK_MS = 100;
/** An instance that must serve sockets or IPC yields to the event loop at least this often. */
const YIELD_MS = 2;

export interface LoopOptions {
  name: string;
  /** End time in ps, or Infinity. */
  until: number;
  /** Wall time (ns) to spin on the input while blocked before parking. */
  spinNs: number;
  /** Wait with Atomics.waitAsync and yield now and then, because sockets or IPC live on the event loop. */
  asyncWait: boolean;
  report: (r: Report) => void;
  profile: ProfileLog | null;
  profileMs: number;
  /** In profiled runs: times the first event of every step by itself, per model. */
  costs: ProfileCosts | null;
  /** Wall time between progress reports, ms; default PROGRESS_MS. */
  progressMs?: number;
}

export type LoopEnd = 'completed' | 'interrupted' | 'failed';

const BLOCKED = 0;
const YIELD = 1;
const ENDED = 2;

const RUNNING = 0;
/** Executes nothing more: reached the end time or the stop point, or overran the stop point. */
const DONE = 1;
/** A component of this instance called ctx.stop(). */
const STOPPED = 2;

/**
 * The event loop of one instance: drain channels, send due syncs, execute events below the safe
 * time (and the end time, and the sync deadline), repeat; when nothing can run, spin briefly,
 * then park on the doorbell. The run ends when the orchestrator says so (end, abort): an instance
 * that is done keeps draining its input so peers never wait on a full ring.
 */
export class InstanceLoop {
  private state = RUNNING;
  /** Events below this time may run: until + 1, or the stop point's time. */
  private limit: number;
  private stopTime = Infinity;
  private stopOrder = Infinity;
  private blocksSinceEvent = 0;
  private stuckSince = 0;
  private reportedKey = '';
  private granted = -Infinity;
  private ended: LoopEnd | null = null;
  private nextSampleMs = Infinity;
  private nextProgressMs = 0;
  private lastYieldMs = 0;
  private iterations = 0;
  private readonly t0 = performance.now();

  constructor(
    private readonly engine: Engine,
    private readonly sync: Synchronizer,
    private readonly control: ControlBlock,
    private readonly o: LoopOptions,
  ) {
    this.limit = o.until === Infinity ? Infinity : o.until + 1;
    if (o.profile) this.nextSampleMs = this.t0 + o.profileMs;
    this.nextProgressMs = this.t0 + (o.progressMs ?? PROGRESS_MS);
    this.lastYieldMs = this.t0;
  }

  /** Wall time from go to the end command, ns. */
  get runNs(): number {
    return (performance.now() - this.t0) * 1e6;
  }

  async run(): Promise<LoopEnd> {
    this.engine.start();
    this.sync.flush();
    for (;;) {
      const step = this.steps();
      if (step === YIELD) await yieldToEventLoop();
      else if (step === BLOCKED) await this.block();
      else return this.ended!;
    }
  }

  /**
   * The hot loop, kept out of the async function: steps until the instance must block, yield to
   * the event loop (sockets, IPC) or end (then `ended` says how).
   */
  private steps(): typeof BLOCKED | typeof YIELD | typeof ENDED {
    const engine = this.engine;
    const sync = this.sync;
    for (;;) {
      if (this.control.changed()) {
        this.ended = this.onCommand();
        if (this.ended !== null) return ENDED;
      }
      sync.poll();
      if (this.state !== RUNNING) return BLOCKED;
      const safe = sync.safeTime();
      const next = engine.nextTime();
      sync.sendDue(next < safe ? next : safe);
      const limit = safe < this.limit ? safe : this.limit;
      if (next < limit) {
        let to = sync.nextDue();
        if (to > limit) to = limit;
        if (to <= next) to = next + 1;
        const costs = this.o.costs;
        const timed = costs !== null ? costs.timeOne(to) : 0;
        if (timed + (engine.stopped ? 0 : engine.runBefore(to, SLICE - timed)) > 0) this.blocksSinceEvent = 0;
        if (engine.stopped) this.ownStop();
        sync.flush();
        if ((++this.iterations & 15) === 0 && this.periodic() && this.o.asyncWait) return YIELD;
        continue;
      }
      if (!this.reachedLimit(next, safe)) return BLOCKED;
    }
  }

  /** Nothing runs below the limit now; if nothing ever can (or the stop tail is run), becomes DONE. */
  private reachedLimit(next: number, safe: number): boolean {
    const engine = this.engine;
    if (this.stopTime !== Infinity) {
      // Events at the stop time itself run only once nothing earlier than it can still arrive.
      if (safe <= this.stopTime || next < this.stopTime) return false;
      while (engine.nextTime() === this.stopTime && engine.queue.peekOrder() < this.stopOrder && !engine.stopped) engine.runBefore(this.stopTime + 1, 1);
      if (engine.stopped) {
        this.ownStop();
        return true;
      }
    } else if ((next < safe ? next : safe) < this.limit) return false;
    this.state = DONE;
    this.sync.promiseForever();
    this.o.report({ type: 'done', now: engine.now, queue: engine.queue.size, counts: this.sync.counts() });
    return true;
  }

  private ownStop(): void {
    const engine = this.engine;
    this.state = STOPPED;
    this.sync.promiseForever();
    this.o.report({ type: 'stopped', time: engine.now, order: engine.queue.order, message: engine.stopMessage ?? 'stopped', counts: this.sync.counts() });
  }

  /** Returns how the loop ends, or null to go on. */
  private onCommand(): LoopEnd | null {
    const c = this.control.read();
    if (c.abort !== null) return c.abort;
    if (c.end !== null) {
      this.engine.now = c.end.now;
      return 'completed';
    }
    if (c.stop !== null && (c.stop.time !== this.stopTime || c.stop.order !== this.stopOrder)) this.onStopPoint(c.stop.time, c.stop.order);
    if (c.grant > this.granted) {
      this.granted = c.grant;
      // Never for a finished instance: messages sent before the bound may still be on their way
      // to it, and it executes nothing more anyway (the orchestrator sends grants only to blocked
      // instances; this holds the line if a command crosses a done report).
      if (this.state === RUNNING) this.sync.grant(c.grant);
    }
    return null;
  }

  /** The run stops after event (time, order): run up to it, unless this instance is already past it. */
  private onStopPoint(time: number, order: number): void {
    const engine = this.engine;
    this.stopTime = time;
    this.stopOrder = order;
    const past = engine.executed > 0 && (engine.now > time || (engine.now === time && engine.queue.order > order));
    if (past) {
      this.o.report({ type: 'overrun', now: engine.now });
      if (this.state === RUNNING) {
        this.state = DONE;
        this.sync.promiseForever();
        this.o.report({ type: 'done', now: engine.now, queue: engine.queue.size, counts: this.sync.counts() });
      }
      return;
    }
    if (this.state === RUNNING && time < this.limit) this.limit = time;
  }

  /** Nothing to run: flush, spin on the input, then park until input or a command arrives. */
  private async block(): Promise<void> {
    const sync = this.sync;
    sync.flush();
    const t0 = spanNs();
    const waitedOn = this.state === RUNNING ? sync.limiting : -1;
    if (this.blocksSinceEvent++ === 0) this.stuckSince = t0;
    else if (this.state === RUNNING && t0 - this.stuckSince >= STUCK_NS) this.reportStuck();
    const control = this.control;
    let ready = sync.hasInput() || control.changed();
    if (this.o.asyncWait) {
      // Socket input arrives through the event loop: spinning means yielding to it.
      for (let i = 0; !ready && spanNs() - t0 < this.o.spinNs; i++) {
        await yieldToEventLoop();
        ready = sync.hasInput() || control.changed();
      }
    } else {
      const until = t0 + this.o.spinNs;
      for (let i = 1; !ready; i++) {
        ready = sync.hasInput() || control.changed();
        if ((i & 63) === 0 && spanNs() > until) break;
      }
    }
    if (!ready) {
      // Park; but not longer than it takes to become stuck, and tell the orchestrator only then:
      // instances running side by side park for a few µs at every turn, and a report each time
      // (a postMessage, and a decision on the main thread) showed as 5.9 % of such an instance's
      // profile samples in postMessage alone (datacenter `halves`, 2026-11-23).
      let ms = Math.max(1, Math.min(PARK_MS, this.nextSampleMs - performance.now()));
      if (this.state === RUNNING) {
        const stuckFor = spanNs() - this.stuckSince;
        if (stuckFor >= STUCK_NS) this.reportStuck();
        else ms = (STUCK_NS - stuckFor) / 1e6;
      }
      const bell = control.bell;
      const seq = bell.prepare();
      if (sync.hasInput() || control.changed()) bell.cancel();
      else {
        if (this.o.asyncWait) await bell.parkAsync(seq, ms);
        else bell.park(seq, ms);
      }
    }
    if (waitedOn >= 0) sync.ends[waitedOn]!.counters.waitNs += spanNs() - t0;
    this.periodic();
  }

  /** Tells the orchestrator this instance is blocked, once per next event and message counts. */
  private reportStuck(): void {
    const next = this.engine.nextTime();
    let total = 0;
    for (const e of this.sync.ends) total += e.sent + e.demux.dataIn;
    const key = `${next}:${total}`;
    if (key === this.reportedKey) return;
    this.reportedKey = key;
    this.o.report({ type: 'blocked', now: this.engine.now, next, counts: this.sync.counts() });
  }

  /** Profile lines and progress reports when due; returns true if it is time to yield. */
  private periodic(): boolean {
    const t = performance.now();
    if (t >= this.nextSampleMs) {
      this.o.profile!.sample();
      this.nextSampleMs += this.o.profileMs;
      if (this.nextSampleMs < t) this.nextSampleMs = t + this.o.profileMs;
    }
    if (t >= this.nextProgressMs) {
      this.nextProgressMs = t + (this.o.progressMs ?? PROGRESS_MS);
      this.o.report({ type: 'progress', now: this.engine.now, events: this.engine.executed });
    }
    if (t - this.lastYieldMs >= YIELD_MS) {
      this.lastYieldMs = t;
      return true;
    }
    return false;
  }

  /** Called while an outbound ring is full, possibly inside an event handler. */
  whileFull(): void {
    this.sync.poll();
    if (this.control.aborting()) throw new RunAborted();
    const bell = this.control.bell;
    const seq = bell.prepare();
    if (this.sync.hasInput()) bell.cancel();
    else bell.park(seq, 0.05);
  }
}

/** Thrown out of an event handler blocked on a full ring when the run is aborted. */
export class RunAborted extends Error {
  constructor() {
    super('the run was aborted');
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
