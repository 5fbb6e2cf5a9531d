import { showPercent, showRate, showSpeed, showTime, showWall } from './format.ts';
import type { Progress } from './outcome.ts';
import type { BatchProgress } from './replications.ts';

/**
 * Progress for people and for scripts, shared by `run`, `sweep`, replications and `tune`. On a
 * terminal: one line redrawn in place. Otherwise (a pipe, a CI log) or with `--json`: one JSON
 * object per line every few seconds, and always a last one with `done: true`, so that a script
 * following the stream knows where the run stands and when it ended. Both go to stderr; stdout
 * keeps the command's result. Rendering is driven by the progress reports the runtime already
 * makes (runPlan's `progress`, at the `progressMs` cadence), so it adds nothing to the simulation loop.
 */
export type ProgressMode = 'tty' | 'json' | 'none';

/** `--quiet`: nothing; `--json` or no terminal: JSON lines; a terminal: the live line. */
export function progressMode(o: { quiet?: boolean | undefined; json?: boolean | undefined }, stream: { isTTY?: boolean } = process.stderr): ProgressMode {
  if (o.quiet) return 'none';
  if (o.json) return 'json';
  return stream.isTTY ? 'tty' : 'json';
}

/** Default wall time between JSON progress lines; `SPLITSIM_PROGRESS_INTERVAL` (seconds) overrides it. */
const JSON_EVERY_MS = 2000;
const TTY_EVERY_MS = 200;

export interface ProgressSinkOptions {
  mode: ProgressMode;
  /** Where text goes; default stderr. */
  write?: (text: string) => void;
  /** Least wall time between JSON lines, ms. */
  jsonEveryMs?: number;
  /** Terminal width, to keep the live line on one row; default stderr's. */
  columns?: number;
  /** Clock, ms (tests). */
  clock?: () => number;
}

/** Wall time between JSON progress lines the environment asks for (SPLITSIM_PROGRESS_INTERVAL, seconds), ms. */
function envInterval(): number | undefined {
  const v = Number(process.env.SPLITSIM_PROGRESS_INTERVAL);
  return process.env.SPLITSIM_PROGRESS_INTERVAL !== undefined && Number.isFinite(v) && v >= 0 ? v * 1000 : undefined;
}

/** Draws one progress line (terminal) or writes JSON lines (anything else), throttled. */
export class ProgressSink {
  readonly mode: ProgressMode;
  private readonly write: (text: string) => void;
  /** Least wall time between lines, ms: the cadence the runtime's progress calls need (at most once a second). */
  readonly everyMs: number;
  private readonly clock: () => number;
  private readonly columns: number;
  private last = -Infinity;
  /** Whether the terminal line holds something that the next output must clear first. */
  private drawn = false;

  constructor(o: ProgressSinkOptions) {
    this.mode = o.mode;
    this.write = o.write ?? ((t) => process.stderr.write(t));
    this.clock = o.clock ?? (() => performance.now());
    this.everyMs = o.mode === 'tty' ? TTY_EVERY_MS : o.jsonEveryMs ?? envInterval() ?? JSON_EVERY_MS;
    // A pseudo-terminal without a size reports 0 columns.
    const columns = o.columns ?? process.stderr.columns;
    this.columns = columns !== undefined && columns >= 40 ? columns : 120;
  }

  /**
   * Shows a state: `text` on a terminal, `json` (with `type: 'progress'`) elsewhere. Updates
   * closer together than the interval are skipped unless `final`, which also ends the line.
   */
  show(text: string, json: Record<string, unknown>, final = false): void {
    if (this.mode === 'none') return;
    const t = this.clock();
    if (!final && t - this.last < this.everyMs) return;
    this.last = t;
    if (this.mode === 'json') {
      this.write(`${JSON.stringify({ type: 'progress', ...json, done: final })}\n`);
      return;
    }
    // A quick run that never drew a line needs no final one either: its summary follows.
    if (final && !this.drawn) return;
    const line = text.length >= this.columns ? `${text.slice(0, this.columns - 2)}…` : text;
    this.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    this.drawn = !final;
  }

  /** Clears the live line before other output (a warning, an interruption notice). */
  interrupt(): void {
    if (this.mode !== 'tty' || !this.drawn) return;
    this.write('\r\x1b[K');
    this.drawn = false;
    this.last = -Infinity;
  }
}

/** How far a run is: simulated time against its end, speed, events per second, time left. */
export class RunProgress {
  /** Recent (wall s, simulated ps, events) samples: speed and time left come from the last WINDOW_S. */
  private readonly samples: Array<[number, number, number]> = [[0, 0, 0]];

  constructor(
    private readonly sink: ProgressSink,
    /** End time, ps; undefined when the run ends on its own (percent and time left are then unknown). */
    private readonly until: number | undefined,
    private readonly label = '',
  ) {}

  /** The runtime's progress listener (runPlan's, runSequential's): simulated time and events so far, wall seconds since the start. */
  readonly update = ({ now, events, wallSeconds }: Progress): void => {
    this.samples.push([wallSeconds, now, events]);
    while (this.samples.length > 2 && wallSeconds - this.samples[1]![0] > WINDOW_S) this.samples.shift();
    this.render(now, events, wallSeconds, false);
  };

  /** The run has ended at `now` after `events`: the last line (100 % when it reached --until). */
  finish(now: number, events: number, wallSeconds: number): void {
    this.samples.push([wallSeconds, now, events]);
    this.render(now, events, wallSeconds, true);
  }

  private render(now: number, events: number, wall: number, final: boolean): void {
    const [w0, n0, e0] = final ? [0, 0, 0] : this.samples[0]!;
    const dt = wall - w0;
    const speed = dt > 0 ? (now - n0) / 1e12 / dt : NaN;
    const eventsPerSecond = dt > 0 ? (events - e0) / dt : NaN;
    const share = this.until !== undefined && this.until > 0 ? Math.min(1, now / this.until) : null;
    const left = this.until !== undefined && speed > 0 && !final ? (this.until - now) / 1e12 / speed : null;
    const parts = [
      `${this.label}${showTime(now)}${this.until !== undefined ? ` / ${showTime(this.until)} (${showPercent(share!)})` : ' simulated'}`,
      `speed ${showSpeed(speed)}`,
      `${showRate(eventsPerSecond).replace('/s', ' ev/s')}`,
      final ? `${showWall(wall)} wall` : left === null ? `${showWall(wall)} so far` : `${showWall(left)} left`,
    ];
    this.sink.show(parts.join(' · '), {
      simulated: now,
      until: this.until ?? null,
      percent: share === null ? null : round(share * 100, 2),
      events,
      wallSeconds: round(wall, 3),
      speed: round(speed, 4, true),
      eventsPerSecond: Math.round(eventsPerSecond) || 0,
      leftSeconds: left === null ? null : round(left, 1),
    }, final);
  }
}

/** Wall seconds over which speed and time left are averaged: recent enough to follow a change of pace. */
const WINDOW_S = 10;

/** How far a batch of runs (a sweep, replications) is: runs done, wall time, time left (runBatch's progress). */
export function batchProgress(sink: ProgressSink): (p: BatchProgress) => void {
  return (p) => {
    const width = 20;
    const filled = Math.round((p.done / p.total) * width);
    const final = p.done === p.total;
    const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} runs · ${showWall(p.elapsedSeconds)}${final ? '' : ` · ~${showWall(p.leftSeconds)} left`}`;
    sink.show(text, { runs: p.done, total: p.total, percent: round((100 * p.done) / p.total, 2), wallSeconds: round(p.elapsedSeconds, 3), leftSeconds: final ? 0 : round(p.leftSeconds, 1) }, final);
  };
}

/** `x` to `digits` decimals (or significant digits with `significant`); non-finite values become null. */
function round(x: number, digits: number, significant = false): number | null {
  if (!Number.isFinite(x)) return null;
  return significant ? +x.toPrecision(digits) : +x.toFixed(digits);
}
