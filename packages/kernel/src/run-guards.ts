import { SimulationError, SplitSimError } from './errors.ts';
import { formatTime } from './time.ts';

/**
 * The two ways a model can break simulated time without throwing, and how the engine names them.
 *
 * A zero-time loop: a component that keeps scheduling events at the current time (a delay that
 * rounds to 0 in a retry loop) never lets the clock move; the run would spin until the event
 * order overflows, hours later. The engine counts events executed at one simulated time and fails
 * the run past a limit that no sound model reaches: a burst at one instant is bounded by the
 * components taking part, a loop is not. At half the limit it notes each handler's event count, so
 * that at the limit the component that executed most of the events since is the one named.
 *
 * Past 2^53 ps a time is no longer an exact integer and event order is no longer exact (an
 * arrival rate of one a million seconds gets there in one event): the first event scheduled past
 * it fails the run with the same error checkTime() gives a configured time.
 */

/** Events at one simulated time before a run fails, at least; more with more components. */
export const SAME_TIME_LIMIT = 1 << 22;
/** Events per component allowed at one simulated time, above SAME_TIME_LIMIT. */
export const SAME_TIME_PER_COMPONENT = 16;

export function sameTimeLimit(components: number): number {
  return Math.max(SAME_TIME_LIMIT, SAME_TIME_PER_COMPONENT * components);
}

export interface LoopEvidence {
  /** Component that executed most events since half the limit, and how many of them. */
  path: string;
  own: number;
  /** Events executed at `time` since half the limit, by all components. */
  window: number;
  /** Events executed at `time` in all. */
  events: number;
  time: number;
  /** Events executed by the engine in all. */
  executed: number;
}

export function zeroTimeLoop(e: LoopEvidence): SimulationError {
  const share = Math.round((100 * e.own) / Math.max(1, e.window));
  const cause = new SplitSimError(
    'E_SCHEDULE',
    `simulated time stopped moving: ${e.events.toLocaleString('en')} events at ${formatTime(e.time)}, ${share} % of the last ${e.window.toLocaleString('en')} executed by ${e.path}; ` +
      'it keeps scheduling events without time advancing (a delay that rounds to 0 ps in a loop?)',
    { component: e.path, time: e.time },
  );
  return new SimulationError(e.path, e.time, e.executed, cause, formatTime(e.time));
}

/** `origin` scheduled or sent an event for `time` > 2^53 ps while the clock read `now`. */
export function pastMaxTime(origin: string, time: number, now: number, executed: number): SimulationError {
  const cause = new SplitSimError(
    'E_TIME_RANGE',
    `scheduled an event at ${time.toPrecision(4)} ps (${(time / 1e12).toPrecision(4)} s), past 2^53 ps (about 2.5 h), the longest simulated time that stays exact; ` +
      'run shorter (--until), or choose time scales so that the run ends sooner',
    { component: origin, time: now, value: time },
  );
  return new SimulationError(origin, now, executed, cause, formatTime(now));
}
