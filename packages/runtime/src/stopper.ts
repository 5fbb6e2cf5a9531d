import type { Failure } from './control.ts';

/** A request to end a run from outside it. */
export type StopRequest =
  /** A signal (SIGINT, SIGTERM, SIGHUP): stop and keep what the instances have; `now`: do not wait for them. */
  | { kind: 'interrupt'; why: string; now: boolean }
  /** Something outside the simulation failed (the run directory's disk is full): end the run as failed. */
  | { kind: 'fail'; failure: Failure };

/**
 * How a caller ends a run it started: the CLI's signal handlers and its run directory call it;
 * the runtime listens. A first interrupt lets every instance stop, finish its components and
 * report; a second one ends the run at once. Requests made before the run listens are kept.
 */
export class Stopper {
  private listener: ((r: StopRequest) => void) | null = null;
  private readonly early: StopRequest[] = [];
  private interrupts = 0;
  /** The first interrupt's reason, if any. */
  interrupted: string | null = null;

  interrupt(why: string): void {
    this.interrupted ??= why;
    this.send({ kind: 'interrupt', why, now: ++this.interrupts > 1 });
  }

  fail(failure: Failure): void {
    this.send({ kind: 'fail', failure });
  }

  /** The runtime's side; returns a function that stops listening. */
  listen(listener: (r: StopRequest) => void): () => void {
    this.listener = listener;
    for (const r of this.early.splice(0)) listener(r);
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }

  private send(r: StopRequest): void {
    if (this.listener) this.listener(r);
    else this.early.push(r);
  }
}
