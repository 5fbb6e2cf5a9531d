import type { StopReason } from './engine.ts';

/** What is known when nothing more will run: the facts every way of running a plan reports. */
export interface EndFacts {
  /** The earliest stop point a component asked for (ctx.stop()), or null. */
  stop: { time: number; message: string } | null;
  /** The event limit (--max-events) was reached. */
  maxEvents: boolean;
  /** Events left anywhere (in a queue, or in flight between instances). */
  pending: number;
  /** End time, ps, or Infinity. */
  until: number;
  /** Time of the latest event executed anywhere. */
  last: number;
}

export interface RunEnd {
  reason: StopReason;
  /** The time the run ends at: what every engine sets its clock to before finish(). */
  now: number;
  message?: string;
}

/**
 * Why a run ended and at what simulated time: the one rule that one engine, the in-process
 * instance and the parallel orchestrator all apply, so the same run reports the same reason and
 * time however it was placed. A stop by a component wins, then the event limit; events left
 * past the end time mean the run reached it; otherwise the queues ran empty.
 */
export function runEnd(f: EndFacts): RunEnd {
  if (f.stop !== null) return { reason: 'stopped', now: f.stop.time, message: f.stop.message };
  if (f.maxEvents) return { reason: 'maxEvents', now: f.last };
  if (f.pending > 0 && f.until !== Infinity) return { reason: 'until', now: f.until };
  return { reason: 'empty', now: f.last };
}
