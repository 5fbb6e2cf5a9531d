import { ProgressSink, RunProgress } from '@splitsim/runtime';

/** The progress line `splitsim run` draws on a terminal, rendered into nothing: its cost, not its text. */
export function liveProgress(until?: number): (now: number, events: number, wall: number) => void {
  let drawn = 0;
  return new RunProgress(new ProgressSink({ mode: 'tty', write: (t) => (drawn += t.length), columns: 120 }), until).update;
}
