import { runEnd, type StopReason } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';
import type { Counts } from './control.ts';

export interface Verdict {
  reason: StopReason;
  /** Simulated time the run ends at: what every instance sets its clock to before finish(). */
  now: number;
  message?: string;
}

/** What the orchestrator does after a report: nothing, grant a lower bound, or end the run. */
export type Decision = null | { grant: number; to: number[] } | { verdict: Verdict };

interface InstanceState {
  kind: 'running' | 'blocked' | 'done' | 'stopped';
  /** Last event executed. */
  now: number;
  /** Next event in its queue (blocked), Infinity if empty. */
  next: number;
  /** Events left in its queue (done). */
  queue: number;
  /** channel id → [sent, received] as of the latest report. */
  counts: Map<number, [number, number]>;
}

/**
 * The orchestrator's global view, built from the instances' reports: when every instance is
 * blocked or finished and no message is in flight towards a blocked one, nothing will ever be
 * executed before M, the earliest next event of a blocked instance. Reports arrive at different
 * moments, but an instance that moved on after its report did so by executing events at or after
 * its reported next event, or by receiving a message that its sender counted and its own stale
 * report did not, and then some channel's counts disagree. So M is a sound global lower bound:
 *
 * - M at or past the end (Infinity, or the end time + 1): the run is over. Reason `stopped` if a
 *   component stopped it (the earliest stop point), else `until` if events remain anywhere (in a
 *   queue, or in flight to a finished instance), else `empty`; time: the stop point's, the end
 *   time, or the latest event executed anywhere — what the sequential run reaches.
 * - otherwise M is granted to every blocked instance, lifting all its promises to M + lookahead at
 *   once: the cure for promises creeping around a cycle of channels one lookahead per round trip
 *   when events are sparse. Only to the blocked ones: messages may still be in flight towards a
 *   finished instance (they count as pending, not as a reason to wait), sent before M, and a
 *   finished instance that raised its promises would reject them as breaking the protocol.
 */
export class Termination {
  private readonly states: InstanceState[];
  /** The earliest stop point reported, if any. */
  stop: { time: number; order: number; message: string; instance: number } | null = null;
  /** Instances that had executed events past the stop point before they heard of it. */
  readonly overran = new Set<number>();
  private granted = -Infinity;
  private maxEvents = false;

  constructor(
    private readonly plan: Plan,
    private readonly until: number,
  ) {
    this.states = plan.instances.map(() => ({ kind: 'running', now: 0, next: 0, queue: 0, counts: new Map() }));
  }

  blocked(i: number, now: number, next: number, counts: Counts): void {
    this.set(i, 'blocked', now, next, 0, counts);
  }

  /** `maxEvents`: it stopped at the event limit (only an instance that is the whole run has one). */
  done(i: number, now: number, queue: number, counts: Counts, maxEvents = false): void {
    this.set(i, 'done', now, Infinity, queue, counts);
    if (maxEvents) this.maxEvents = true;
  }

  /** Returns true if this stop point is now the earliest (to be announced to every instance). */
  stopped(i: number, time: number, order: number, message: string, counts: Counts): boolean {
    this.set(i, 'stopped', time, Infinity, 0, counts);
    const s = this.stop;
    if (s !== null && (s.time < time || (s.time === time && s.order < order))) {
      this.overran.add(i);
      return false;
    }
    if (s !== null) this.overran.add(s.instance);
    this.stop = { time, order, message, instance: i };
    return true;
  }

  overrun(i: number): void {
    this.overran.add(i);
  }

  decide(): Decision {
    const st = this.states;
    if (st.some((s) => s.kind === 'running')) return null;
    let pending = 0;
    for (const ch of this.plan.channels) {
      for (const [from, to] of [[ch.a, ch.b], [ch.b, ch.a]] as const) {
        const sent = st[from]!.counts.get(ch.id)?.[0] ?? 0;
        const received = st[to]!.counts.get(ch.id)?.[1] ?? 0;
        if (st[to]!.kind === 'blocked') {
          if (sent !== received) return null;
        } else pending += sent - received;
      }
    }
    let lower = Infinity;
    for (const s of st) {
      if (s.kind !== 'blocked') continue;
      if (s.next < lower) lower = s.next;
      if (s.next !== Infinity) pending++;
    }
    const limit = this.stop !== null ? this.stop.time + 1 : this.until === Infinity ? Infinity : this.until + 1;
    if (lower < limit) {
      if (lower <= this.granted) return null;
      this.granted = lower;
      const to: number[] = [];
      st.forEach((s, i) => s.kind === 'blocked' && to.push(i));
      return { grant: lower, to };
    }
    for (const s of st) if (s.kind === 'done') pending += s.queue;
    const stop = this.stop === null ? null : { time: this.stop.time, message: this.stop.message };
    const last = st.reduce((m, s) => Math.max(m, s.now), 0);
    return { verdict: runEnd({ stop, maxEvents: this.maxEvents, pending, until: this.until, last }) };
  }

  private set(i: number, kind: InstanceState['kind'], now: number, next: number, queue: number, counts: Counts): void {
    const s = this.states[i]!;
    // Final states stay final: a stopped instance that later reports done is still stopped.
    if (s.kind === 'stopped' && kind !== 'stopped') kind = 'stopped';
    else if (s.kind === 'done' && kind === 'blocked') kind = 'done';
    s.kind = kind;
    s.now = now;
    s.next = next;
    s.queue = queue;
    s.counts = new Map(counts.map(([c, sent, received]) => [c, [sent, received]]));
  }
}
