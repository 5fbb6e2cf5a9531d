import type { Engine } from '@splitsim/kernel';

/**
 * Events per runBefore() call between looks at the clock: at a few million events a second a
 * chunk takes 10-50 ms, so an interrupt is seen well within a second while the look (one
 * performance.now()) costs nothing measurable.
 */
const CHUNK = 1 << 16;

/**
 * Drives one engine that is the whole run (no channels): events below the end time, at most
 * the event limit, until a component stops it or nothing is left. The in-process instance runs
 * it a slice of wall time at a time and yields between slices, so signals and commands are
 * heard; runSequential runs it straight through. Both then end the run by the common rule.
 */
export class InlineLoop {
  private readonly limit: number;
  private finished = false;

  constructor(
    private readonly engine: Engine,
    private readonly until: number,
    private readonly maxEvents: number,
  ) {
    this.limit = until === Infinity ? Infinity : until + 1;
  }

  /** True once nothing more will run: below the end time nothing is left, a component stopped it, or the event limit. */
  get done(): boolean {
    return this.finished;
  }

  /** The run ended on the event limit. */
  get maxEventsReached(): boolean {
    return this.engine.executed >= this.maxEvents && !this.engine.stopped;
  }

  /** Runs events for about `ms` of wall time (Infinity: to the end); returns `done`. */
  run(ms: number): boolean {
    const engine = this.engine;
    const deadline = ms === Infinity ? Infinity : performance.now() + ms;
    while (!this.finished) {
      const want = Math.min(CHUNK, this.maxEvents - engine.executed);
      const n = engine.runBefore(this.limit, want);
      if (n < want || engine.stopped || engine.executed >= this.maxEvents) this.finished = true;
      else if (deadline !== Infinity && performance.now() >= deadline) break;
    }
    return this.finished;
  }
}
