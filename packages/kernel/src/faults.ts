import type { StatisticDoc } from './component.ts';
import type { Context, Port } from './context.ts';
import type { Handler } from './engine.ts';
import { ORDER_BASE } from './queue.ts';
import { Rng } from './rng.ts';
import type { Counter } from './stats/tally.ts';

/**
 * Faults as the kernel applies them: plain data from the plan (every instance reads the same),
 * turned into drops and delays at the one place that sees each event whatever the partition:
 *
 * - a **crash** of a component is a function of time alone: while it is down, every event
 *   addressed to it (a message or one of its timers) is dropped where it is executed, and the
 *   timers it set before the crash never fire. So the instance that holds the component decides,
 *   and there is only one.
 * - a **link fault** (down, loss, delay) is decided by the sender, at the real time it sends,
 *   from the link's windows and the sender's own fault stream: a message dropped on a link cut by
 *   the partition is never put on the channel, so both instances agree on it by construction.
 *
 * Components without faults pay nothing: their handlers are not wrapped and their ports keep the
 * prototype's send().
 */

/** A component is down over [from, until); until is Infinity for a crash it never recovers from. */
export interface CrashWindow {
  readonly from: number;
  readonly until: number;
}

/**
 * One segment of a link's fault schedule, [from, until): down (drops every message sent), a loss
 * probability per message, an extra delay (ps) for every message sent. Segments of one link are
 * sorted and do not overlap (the plan combines overlapping faults into segments).
 */
export interface LinkFaultWindow {
  readonly from: number;
  readonly until: number;
  readonly down: boolean;
  readonly loss: number;
  readonly delay: number;
}

/** Where an engine finds the faults of its components and links (the plan's fault schedule). */
export interface FaultSource {
  crashes(component: number): readonly CrashWindow[] | undefined;
  link(link: number): readonly LinkFaultWindow[] | undefined;
}

/** What the kernel records for a component with faults, whatever its model (none without). */
export const FAULT_STATISTICS: Readonly<Record<string, StatisticDoc>> = {
  'fault.crashes': { type: 'counter', description: 'times the fault schedule crashed it' },
  'fault.lost': { type: 'counter', unit: 'messages', description: 'messages that arrived while it was down (dropped)' },
  'fault.dropped': { type: 'counter', unit: 'messages', description: 'messages it sent that a link fault dropped (down or lost)' },
  'fault.delayed': { type: 'counter', unit: 'messages', description: 'messages it sent that a link fault held back' },
};

/** Fault streams are (seed, FAULT_STREAM + component id): apart from every component's own stream. */
export const FAULT_STREAM = 2 ** 44;

/**
 * The crash state of one component: its transitions (crash, recover) and the hooks its model
 * registered. A transition takes effect before any other event of the component at or after its
 * time, whichever of them runs first (each guarded handler checks), and also by an event of its
 * own, so that a component recovers on time even when nothing arrives.
 */
export class CrashState {
  down = false;
  /** Own events with a sequence number below this were scheduled before the last crash. */
  private staleBelow = 0;
  /** Transition times: crash, recover, crash, … (an odd count: the last crash is for good). */
  private readonly times: number[] = [];
  private next = 0;
  private nextChange: number;
  private readonly onCrash: Array<() => void> = [];
  private readonly onRecover: Array<() => void> = [];
  private readonly crashes: Counter;
  private readonly lost: Counter;

  constructor(
    private readonly ctx: Context,
    windows: readonly CrashWindow[],
  ) {
    for (const w of windows) {
      this.times.push(w.from);
      if (w.until !== Infinity) this.times.push(w.until);
    }
    this.nextChange = this.times[0] ?? Infinity;
    this.crashes = ctx.stats.counter('fault.crashes');
    this.lost = ctx.stats.counter('fault.lost');
    const transition = ctx.engine.addHandler(() => this.apply(), ctx.index, false);
    // Scheduled now, with the component's first sequence numbers: the same in every partition.
    for (const t of this.times) ctx.engine.queue.push(t, ctx.orderBase + ctx.seq++, transition, 0, undefined);
  }

  hook(kind: 'crash' | 'recover', fn: () => void): void {
    (kind === 'crash' ? this.onCrash : this.onRecover).push(fn);
  }

  /** Applies every transition due by now, running the model's hooks in order. */
  apply(): void {
    const now = this.ctx.engine.now;
    while (now >= this.nextChange) {
      const crashing = this.next % 2 === 0;
      this.next++;
      this.nextChange = this.next < this.times.length ? this.times[this.next]! : Infinity;
      if (crashing) {
        this.down = true;
        this.staleBelow = this.ctx.seq;
        this.crashes.value++;
        for (const f of this.onCrash) f();
      } else {
        this.down = false;
        for (const f of this.onRecover) f();
      }
    }
  }

  /** A message handler that drops what arrives while the component is down. */
  guardMessage(h: Handler): Handler {
    return (num, ref) => {
      if (this.ctx.engine.now >= this.nextChange) this.apply();
      if (this.down) this.lost.value++;
      else h(num, ref);
    };
  }

  /** A timer handler that drops its events while down and those scheduled before the last crash. */
  guardTimer(h: Handler): Handler {
    const ctx = this.ctx;
    return (num, ref) => {
      if (ctx.engine.now >= this.nextChange) this.apply();
      if (!this.down && ctx.engine.queue.order - ctx.orderBase >= this.staleBelow) h(num, ref);
    };
  }
}

/**
 * The fault windows of one port's link, applied to what the port sends. A port with faults gets
 * its own send() and sendAfter() that ask `pass` first (every other port keeps the prototype's,
 * so the hot path of a run without faults is the code it always was). When `pass` says no, the
 * message was dropped or is held for the window's delay: held messages leave later with the
 * link's usual latency, through an event of the sender that the metrics do not count, since a cut
 * link must be sent on at the real time.
 */
export class LinkFaults {
  private cursor = 0;
  /** Handler that sends held messages (uncounted), when some window delays them; else -1. */
  private readonly hold: number = -1;
  private readonly dropped: Counter;
  private readonly delayed: Counter;

  /** Applies a link's fault windows to what `port` sends. */
  static attach(port: Port, windows: readonly LinkFaultWindow[], rng: Rng): LinkFaults {
    return new LinkFaults(port, windows, rng);
  }

  private constructor(
    private readonly port: Port,
    private readonly windows: readonly LinkFaultWindow[],
    private readonly rng: Rng,
  ) {
    const ctx = port.ctx;
    const stats = ctx.stats;
    const send = Object.getPrototypeOf(port).send as Port['send'];
    const sendAfter = Object.getPrototypeOf(port).sendAfter as Port['sendAfter'];
    if (windows.some((w) => w.delay > 0)) this.hold = ctx.engine.addHandler((n, r) => send.call(port, n, r), ctx.index, false);
    this.dropped = (stats.get('fault.dropped') as Counter | undefined) ?? stats.counter('fault.dropped');
    this.delayed = (stats.get('fault.delayed') as Counter | undefined) ?? stats.counter('fault.delayed');
    port.send = (num, ref) => {
      if (this.pass(ctx.engine.now, num, ref)) send.call(port, num, ref);
    };
    port.sendAfter = (delay, num, ref) => {
      if (!(delay >= 0) || port.remote !== null || this.pass(ctx.engine.now + delay, num, ref)) sendAfter.call(port, delay, num, ref);
    };
  }

  /** True if a message sent at `time` (≥ now) goes out at once; false if it was dropped or held. */
  private pass(time: number, num: number, ref: unknown): boolean {
    const w = this.windowAt(time);
    if (w === null) return true;
    if (w.down || (w.loss > 0 && this.rng.next() < w.loss)) {
      this.dropped.value++;
      return false;
    }
    if (w.delay <= 0) return true;
    const ctx = this.port.ctx;
    ctx.engine.queue.push(time + w.delay, ctx.orderBase + ctx.seq++, this.hold, num, ref);
    if (ctx.seq >= ORDER_BASE) ctx.orderOverflow();
    this.delayed.value++;
    return false;
  }

  /** The segment holding `time`, or null. Sends come in time order, so a cursor finds it. */
  private windowAt(time: number): LinkFaultWindow | null {
    const ws = this.windows;
    let i = this.cursor;
    if (i > 0 && time < ws[i - 1]!.until) i = 0; // a send from an earlier time (sendAfter): search again
    while (i < ws.length && ws[i]!.until <= time) i++;
    this.cursor = i;
    return i < ws.length && ws[i]!.from <= time ? ws[i]! : null;
  }
}

/** The fault stream of a component: link losses draw from it, never from the model's own stream. */
export function faultRng(seed: number, component: number): Rng {
  return new Rng(seed, FAULT_STREAM + component);
}
