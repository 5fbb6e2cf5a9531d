import { ProgressSink, RunProgress, type ProgressListener } from '@splitsim/runtime';

/** The progress line `splitsim run` draws on a terminal, rendered into nothing: its cost, not its text. */
export function liveProgress(until?: number): ProgressListener {
  let drawn = 0;
  return new RunProgress(new ProgressSink({ mode: 'tty', write: (t) => (drawn += t.length), columns: 120 }), until).update;
}
