import { SplitSimError } from './errors.ts';
import { ORDER_BASE } from './queue.ts';
import type { Rng } from './rng.ts';
import type { Statistics } from './stats/statistics.ts';
import { formatTime } from './time.ts';
import type { Engine, Handler } from './engine.ts';
import type { CrashState } from './faults.ts';

/** Where messages of a link cut by the partition go instead of the local queue (a channel end). */
export interface RemoteLink {
  send(link: number, time: number, order: number, num: number, ref: unknown): void;
}

/**
 * A named connection point. A message is a number plus an optional reference: models that want
 * zero allocation put everything in the number (a job's arrival time, a pool index) and pass no
 * reference. Delivery is an event at send time + link latency, ordered by the sender's
 * (component id, sequence number).
 */
export class Port {
  /** Handler id of the peer port's receiver on this engine, or -1. */
  peer = -1;
  latency = 0;
  /** Set when the link is cut by the partition; then messages leave through the channel. */
  remote: RemoteLink | null = null;
  link = -1;
  linked = false;

  constructor(
    readonly ctx: Context,
    readonly name: string,
    /** This port's receive handler id on its engine, or -1 if it only sends. */
    readonly handler: number,
  ) {}

  get connected(): boolean {
    return this.linked || this.remote !== null;
  }

  send(num: number, ref?: unknown): void {
    const ctx = this.ctx;
    const time = ctx.engine.now + this.latency;
    const order = ctx.orderBase + ctx.seq++;
    if (ctx.seq >= ORDER_BASE) ctx.orderOverflow();
    if (this.remote !== null) this.remote.send(this.link, time, order, num, ref);
    else if (this.peer >= 0) ctx.engine.queue.push(time, order, this.peer, num, ref);
    else this.unroutable();
  }

  /** True when the partition cuts this port's link: messages leave through a channel. */
  get cut(): boolean {
    return this.remote !== null;
  }

  /**
   * Sends as if `delay` ps from now (a whole number ≥ 0): delivered at now + delay + latency, one
   * event where a timer and a send would take two (a packet whose transmission ends later).
   * Only on a link inside this instance: a channel must carry messages in the order they leave,
   * and its receiver infers the sender's clock from delivery time − latency, so a cut link must
   * be sent on at the real time (check `cut` first).
   */
  sendAfter(delay: number, num: number, ref?: unknown): void {
    const ctx = this.ctx;
    if (this.remote !== null || this.peer < 0 || !(delay >= 0)) this.cannotDelay(delay);
    const order = ctx.orderBase + ctx.seq++;
    if (ctx.seq >= ORDER_BASE) ctx.orderOverflow();
    ctx.engine.queue.push(ctx.engine.now + delay + this.latency, order, this.peer, num, ref);
  }

  private cannotDelay(delay: number): never {
    if (this.remote === null && this.peer < 0) this.unroutable();
    const ctx = this.ctx;
    const why = this.remote !== null ? 'its link is cut by the partition (send at the real time instead)' : `the delay ${delay} ps is negative`;
    throw new SplitSimError('E_PORT', `${ctx.path}: cannot send later on port "${this.name}": ${why}`, { component: ctx.path, port: this.name });
  }

  private unroutable(): never {
    const ctx = this.ctx;
    const why = this.linked ? 'its link leads to a port that does not receive messages' : 'it is not joined to any link';
    throw new SplitSimError('E_PORT', `${ctx.path}: cannot send on port "${this.name}": ${why}`, { component: ctx.path, port: this.name });
  }
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A component's only window on the world. */
export class Context {
  /** Next origin sequence number; with the id it orders this component's events. */
  seq = 0;
  readonly orderBase: number;
  readonly ports = new Map<string, Port>();
  /** Set (by the engine, before the model is built) when the plan crashes this component: its handlers are then guarded. */
  crash: CrashState | null = null;

  constructor(
    readonly engine: Engine,
    readonly id: number,
    readonly path: string,
    readonly model: string,
    readonly rng: Rng,
    readonly stats: Statistics,
    readonly log: Logger,
    private readonly declaredPorts: readonly string[],
    /** Its position on the engine (handlers are counted per owner). */
    readonly index: number,
  ) {
    this.orderBase = id * ORDER_BASE;
  }

  get now(): number {
    return this.engine.now;
  }

  /**
   * The port `name` (declared in the spec, exactly or by a pattern such as `target*` for a family
   * of ports); `onReceive` handles messages arriving on it.
   */
  port(name: string, onReceive?: Handler): Port {
    if (!this.declaredPorts.includes(name) && !this.declaredPorts.some((d) => d.includes('*') && portPattern(d).test(name))) {
      throw new SplitSimError('E_PORT', `${this.path}: model ${this.model} has no port "${name}" (ports: ${this.declaredPorts.join(', ') || 'none'})`, { component: this.path, port: name });
    }
    if (this.ports.has(name)) throw new SplitSimError('E_PORT', `${this.path}: port "${name}" is opened twice`, { component: this.path, port: name });
    const guarded = onReceive && this.crash ? this.crash.guardMessage(onReceive) : onReceive;
    const handler = guarded ? this.engine.addHandler(guarded, this.index) : -1;
    const port = new Port(this, name, handler);
    this.ports.set(name, port);
    return port;
  }

  /**
   * Registers a local event handler; the returned id is passed to schedule(). With
   * `{ counted: false }` its events are left out of the component's `events` in the metrics: for
   * events that exist only under some partitions (a packet that leaves over a cut link at the end
   * of its transmission, where a link inside the instance needs no event), so that metrics stay
   * the same under every partition.
   */
  timer(handler: Handler, options?: { counted?: boolean }): number {
    const guarded = this.crash ? this.crash.guardTimer(handler) : handler;
    return this.engine.addHandler(guarded, this.index, options?.counted ?? true);
  }

  /**
   * True while the fault schedule has this component crashed. Its handlers see nothing then
   * (what arrives is dropped, its timers do not fire); the hooks below are how it learns.
   */
  get down(): boolean {
    return this.crash !== null && this.crash.down;
  }

  /**
   * Called when the component crashes: drop volatile state here (what it holds in memory and
   * has not made durable). Timers set before the crash never fire, messages that arrive while
   * it is down are dropped; its durable state is whatever the model keeps across the hooks.
   * Only models whose spec says `crashable: true` may be crashed by a plan.
   */
  onCrash(fn: () => void): void {
    this.crash?.hook('crash', fn);
  }

  /** Called when the component recovers: restart what it runs (timers), from its durable state. */
  onRecover(fn: () => void): void {
    this.crash?.hook('recover', fn);
  }

  /**
   * Schedules the timer `delay` ps from now (rounded to a whole ps, so the time stays an integer).
   * Cancel by ignoring stale events: keep a generation number and pass it as `num`.
   */
  schedule(timer: number, delay: number, num = 0, ref?: unknown): void {
    if (!(delay >= 0)) this.badDelay(delay);
    const order = this.orderBase + this.seq++;
    if (this.seq >= ORDER_BASE) this.orderOverflow();
    this.engine.queue.push(this.engine.now + Math.round(delay), order, timer, num, ref);
  }

  /**
   * A named extension the run's model modules provide, e.g. `extension('app', 'tcp-bulk')` for a
   * host application: how a model finds behaviour that other modules contribute, through the
   * context like everything else. Undefined when no module provides it.
   */
  extension<T = unknown>(family: string, name: string): T | undefined {
    return this.engine.extension(family, name) as T | undefined;
  }

  /** Ends the whole run after the current event. */
  stop(reason = `stopped by ${this.path}`): void {
    this.engine.stop(reason);
  }

  private badDelay(delay: number): never {
    throw new SplitSimError('E_SCHEDULE', `${this.path}: cannot schedule an event ${delay} ps from now at ${formatTime(this.engine.now)}; delays must be ≥ 0`, { component: this.path, delay });
  }

  orderOverflow(): never {
    throw new SplitSimError('E_ORDER_RANGE', `${this.path}: more than 2^32 events scheduled or sent by one component; event order would no longer be exact`, { component: this.path });
  }
}

/** A declared port pattern as a RegExp: `*` within a name (no `/`), `?` one character, as plan globs. */
function portPattern(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`);
}
