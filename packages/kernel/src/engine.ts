import type { Component, ComponentClass } from './component.ts';
import { Context, type Logger, type Port } from './context.ts';
import { SimulationError, SplitSimError } from './errors.ts';
import { CrashState, faultRng, LinkFaults, type FaultSource } from './faults.ts';
import { EventQueue, MAX_COMPONENT_ID, ORDER_BASE } from './queue.ts';
import { Rng } from './rng.ts';
import { runEnd, type RunEnd } from './run-end.ts';
import { Statistics } from './stats/statistics.ts';
import { pastMaxTime, sameTimeLimit, zeroTimeLoop } from './run-guards.ts';
import { checkTime, formatTime, MAX_TIME } from './time.ts';

/** Receives an event or a message: the number and reference it carries. */
export type Handler = (num: number, ref: unknown) => void;

export interface EngineOptions {
  /** Run seed; each component's stream is derived from (seed, component id). */
  seed: number;
  /** Where component log lines go; defaults to nowhere. */
  log?: (line: string) => void;
  /** Extensions the run's model modules provide (see Context.extension); none by default. */
  extensions?: (family: string, name: string) => unknown;
  /** The plan's fault schedule: crashes of components, link faults (see faults.ts); none by default. */
  faults?: FaultSource;
}

export interface StopCondition {
  /** Execute events up to and including this time (ps). */
  until?: number;
  /** Execute at most this many events. */
  maxEvents?: number;
}

export type StopReason = 'until' | 'maxEvents' | 'empty' | 'stopped';

export interface RunResult {
  reason: StopReason;
  /** Set by a component that called ctx.stop(). */
  message?: string;
  events: number;
  now: number;
}

export interface ComponentMetrics {
  id: number;
  path: string;
  model: string;
  events: number;
  stats: Record<string, unknown>;
}

/**
 * The sequential engine every instance runs: components, their links, one event queue.
 * runBefore() is the step the parallel runtime drives with each safe time; run() is the
 * sequential loop on top of it.
 */
export class Engine {
  now = 0;
  executed = 0;
  readonly queue = new EventQueue();
  readonly components: Component[] = [];
  readonly contexts: Context[] = [];
  private readonly handlers: Handler[] = [];
  private readonly owners: number[] = [];
  /** Events executed per handler; summed per component when metrics are read. */
  private eventsBy = new Float64Array(64);
  /** Handlers whose events metrics() leaves out (see Context.timer). */
  private readonly uncounted = new Set<number>();
  /** Why a component stopped the run, or null. */
  stopMessage: string | null = null;
  /**
   * Set by stop(), and by addHandler() when it replaces `eventsBy`: the one field runBefore()'s
   * loop reads per event to learn that it must stop, or count in the new table from now on.
   */
  private interrupted = false;
  /**
   * Handler of the last event of a runBefore() call that ended at its event limit, else -1: a
   * profiler that runs one event by itself and times it learns whose event it was (ownerOf).
   */
  lastHandler = -1;
  private started = false;
  private finished = false;
  /** Events executed at `now` so far, across runBefore() calls (see run-guards.ts). */
  private sameTime = 0;
  private sameTimeLimit = sameTimeLimit(0);
  /** eventsBy as it was at half the same-time limit, for naming a looping component. */
  private loopMark: Float64Array | null = null;
  private readonly logSink: (line: string) => void;
  /** Fault streams by component id, for components with faulty links. */
  private readonly faultRngs = new Map<number, Rng>();

  constructor(private readonly options: EngineOptions) {
    this.logSink = options.log ?? (() => {});
  }

  /** See Context.extension. */
  extension(family: string, name: string): unknown {
    return this.options.extensions?.(family, name);
  }

  /** Creates a component of `cls` with a stable global `id` and name `path`. */
  add<P>(cls: ComponentClass<P>, id: number, path: string, params: P): Component<P> {
    if (this.started) throw new SplitSimError('E_CONFIG', `${path}: components must be added before the run starts`);
    if (!Number.isInteger(id) || id < 0 || id >= MAX_COMPONENT_ID) {
      throw new SplitSimError('E_CONFIG', `${path}: component id ${id} is outside [0, ${MAX_COMPONENT_ID})`, { component: path });
    }
    const index = this.components.length;
    const sink = this.logSink;
    const log: Logger = {
      info: (m) => sink(`${formatTime(this.now)} ${path}: ${m}`),
      warn: (m) => sink(`${formatTime(this.now)} ${path}: warning: ${m}`),
    };
    const ctx = new Context(this, id, path, cls.spec.model, new Rng(this.options.seed, id), new Statistics(this, path), log, cls.spec.ports, index);
    const crashes = this.options.faults?.crashes(id);
    if (crashes !== undefined && crashes.length > 0) ctx.crash = new CrashState(ctx, crashes);
    this.contexts.push(ctx);
    const comp = new cls(ctx, params);
    this.components.push(comp);
    return comp;
  }

  /** Joins two ports of components on this engine by a link with `latency` ps, both ways. */
  connect(a: Port, b: Port, latency: number, link = -1): void {
    checkTime(latency, `latency of the link ${a.ctx.path}.${a.name} ↔ ${b.ctx.path}.${b.name}`);
    for (const p of [a, b]) {
      if (p.connected) throw new SplitSimError('E_PORT', `${p.ctx.path}: port "${p.name}" is already joined to a link`, { component: p.ctx.path, port: p.name });
    }
    a.peer = b.handler;
    b.peer = a.handler;
    for (const p of [a, b]) {
      p.latency = latency;
      p.link = link;
      p.linked = true;
      this.attachFaults(p);
    }
  }

  /** Gives a port whose link (`port.link`) has fault windows in the plan what it needs to apply them at send time. */
  attachFaults(port: Port): void {
    const windows = port.link >= 0 ? this.options.faults?.link(port.link) : undefined;
    if (windows === undefined || windows.length === 0) return;
    const id = port.ctx.id;
    let rng = this.faultRngs.get(id);
    if (rng === undefined) this.faultRngs.set(id, (rng = faultRng(this.options.seed, id)));
    LinkFaults.attach(port, windows, rng);
  }

  /**
   * Registers a handler, before the run or during it (a model may create timers lazily). A table
   * that grows is a new array: runBefore() holds the table in a local, so it is told to reload it.
   */
  addHandler(h: Handler, ownerIndex: number, counted = true): number {
    if (!counted) this.uncounted.add(this.handlers.length);
    this.handlers.push(h);
    this.owners.push(ownerIndex);
    if (this.handlers.length > this.eventsBy.length) {
      const next = new Float64Array(this.eventsBy.length * 2);
      next.set(this.eventsBy);
      this.eventsBy = next;
      this.interrupted = true;
    }
    return this.handlers.length - 1;
  }

  /** Puts an event that arrived from another instance into the queue. */
  deliver(time: number, order: number, handler: number, num: number, ref: unknown): void {
    this.queue.push(time, order, handler, num, ref);
  }

  /** Calls init() on every component in id order, once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.sameTimeLimit = sameTimeLimit(this.components.length);
    const order = this.components.map((_, i) => i).sort((x, y) => this.contexts[x]!.id - this.contexts[y]!.id);
    for (const i of order) {
      try {
        this.components[i]!.init();
      } catch (err) {
        throw new SimulationError(this.contexts[i]!.path, this.now, this.executed, err, formatTime(this.now));
      }
    }
  }

  /** Time of the next pending event, or Infinity. */
  nextTime(): number {
    return this.queue.peekTime();
  }

  get stopped(): boolean {
    return this.stopMessage !== null;
  }

  stop(message: string): void {
    this.stopMessage ??= message;
    this.interrupted = true;
  }

  /**
   * Executes events with time strictly below `limit`, at most `maxEvents` of them, or until a
   * component stops the run. Returns how many were executed.
   */
  runBefore(limit: number, maxEvents = Infinity): number {
    const q = this.queue;
    const handlers = this.handlers;
    let eventsBy = this.eventsBy;
    let n = 0;
    let target = -1;
    // The guards cost one comparison per event: time either moves (then it is checked against
    // 2^53) or it does not (then the events at this time are counted).
    let now = this.now;
    let same = this.sameTime;
    let check = this.loopMark === null ? this.sameTimeLimit >> 1 : this.sameTimeLimit;
    try {
      while (n < maxEvents) {
        if (this.interrupted) {
          if (this.stopMessage !== null) break;
          this.interrupted = false;
          eventsBy = this.eventsBy;
        }
        target = q.popBefore(limit);
        if (target < 0) break;
        const t = q.time;
        if (t !== now) {
          if (t > MAX_TIME) throw pastMaxTime(this.originPath(q.order, target), t, now, this.executed + n);
          this.now = now = t;
          same = 0;
          if (this.loopMark !== null) {
            this.loopMark = null;
            check = this.sameTimeLimit >> 1;
          }
        } else if (++same >= check) check = this.sameTimeCheck(same, n);
        n++;
        eventsBy[target]!++;
        handlers[target]!(q.num, q.ref);
      }
      this.lastHandler = target;
    } catch (err) {
      this.sameTime = same;
      this.executed += n;
      if (err instanceof SimulationError) throw err;
      const path = target >= 0 ? this.contexts[this.owners[target]!]!.path : '?';
      throw new SimulationError(path, this.now, this.executed, err, formatTime(this.now));
    }
    this.sameTime = same;
    this.executed += n;
    return n;
  }

  /**
   * `same` events have run at the current time: at half the limit, note each handler's count; at
   * the limit, fail naming the component that ran most events since. Returns the next threshold.
   */
  private sameTimeCheck(same: number, n: number): number {
    if (this.loopMark === null) {
      this.loopMark = this.eventsBy.slice();
      return this.sameTimeLimit;
    }
    const mark = this.loopMark;
    const own = new Float64Array(this.contexts.length);
    for (let h = 0; h < this.handlers.length; h++) own[this.owners[h]!]! += this.eventsBy[h]! - (mark[h] ?? 0);
    let top = 0;
    for (let i = 1; i < own.length; i++) if (own[i]! > own[top]!) top = i;
    const window = same - (this.sameTimeLimit >> 1);
    throw zeroTimeLoop({ path: this.contexts[top]?.path ?? '?', own: own[top] ?? 0, window, events: same, time: this.now, executed: this.executed + n });
  }

  /** The component that sent or scheduled an event (its id is the order key's high part), else the receiver. */
  private originPath(order: number, target: number): string {
    const id = Math.floor(order / ORDER_BASE);
    return this.contexts.find((c) => c.id === id)?.path ?? this.contexts[this.owners[target]!]?.path ?? `component ${id}`;
  }

  /** The sequential loop: start, run to the stop condition, finish. */
  run(stop: StopCondition = {}): RunResult {
    const until = stop.until === undefined ? Infinity : checkTime(stop.until, 'end time');
    const maxEvents = stop.maxEvents ?? Infinity;
    this.start();
    const before = this.executed;
    this.runBefore(until === Infinity ? Infinity : until + 1, maxEvents);
    const events = this.executed - before;
    const end = this.end({ until, maxEvents: events >= maxEvents });
    return { ...end, events };
  }

  /**
   * Ends a run of this engine alone (one engine, or the in-process instance): decides the reason
   * and time by the common rule (runEnd), sets the clock to that time and calls finish().
   */
  end(o: { until: number; maxEvents: boolean }): RunEnd {
    const stop = this.stopMessage === null ? null : { time: this.now, message: this.stopMessage };
    const end = runEnd({ stop, maxEvents: o.maxEvents && stop === null, pending: this.queue.size, until: o.until, last: this.now });
    this.now = end.now;
    this.finish();
    return end;
  }

  /** Calls finish() on every component once, in id order. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const order = this.components.map((_, i) => i).sort((x, y) => this.contexts[x]!.id - this.contexts[y]!.id);
    for (const i of order) {
      try {
        this.components[i]!.finish();
      } catch (err) {
        throw new SimulationError(this.contexts[i]!.path, this.now, this.executed, err, formatTime(this.now));
      }
    }
  }

  /** Index (in `contexts`) of the component that owns handler `h`. */
  ownerOf(h: number): number {
    return this.owners[h]!;
  }

  /** Events executed by handler `h` so far: for a port's receiver, the messages its link delivered. */
  handlerEvents(h: number): number {
    return this.eventsBy[h]!;
  }

  /**
   * Events executed so far per component, by index in `contexts`: `counted` as metrics() counts
   * them (the same under every partition), `uncounted` the rest (events that exist only because a
   * link is cut, see Context.timer). Profiled runs log both as the components' cost.
   */
  eventsByComponent(): { counted: Float64Array; uncounted: Float64Array } {
    const counted = new Float64Array(this.contexts.length);
    const uncounted = new Float64Array(this.contexts.length);
    for (let h = 0; h < this.handlers.length; h++) (this.uncounted.has(h) ? uncounted : counted)[this.owners[h]!]! += this.eventsBy[h]!;
    return { counted, uncounted };
  }

  /** Per-component statistics, in id order; the same bytes under every partition. */
  metrics(): ComponentMetrics[] {
    const events = new Float64Array(this.contexts.length);
    for (let h = 0; h < this.handlers.length; h++) if (!this.uncounted.has(h)) events[this.owners[h]!]! += this.eventsBy[h]!;
    return this.contexts
      .map((ctx, i) => ({ id: ctx.id, path: ctx.path, model: ctx.model, events: events[i]!, stats: ctx.stats.toJSON() }))
      .sort((a, b) => a.id - b.id);
  }
}
