import type { ProfileProblem } from './errors.ts';
import type { InstanceLog, Sample } from './read-log.ts';

/**
 * Chooses the window of samples an instance's figures are computed over. Counters are cumulative,
 * so a figure is the difference between the window's last and first sample (the paper's "late
 * entry towards the end and an early entry towards the beginning"). Start-up (building components,
 * the first sync round) and the end (instances stopping one after the other) distort the shares,
 * so a number of warm-up samples at the start and cool-down samples at the end are left out.
 */
export interface TrimOptions {
  /** Samples dropped at the start. Default 1, lowered automatically for a short log. */
  warmup?: number;
  /** Samples dropped at the end (the final line counts). Default 1, lowered automatically for a short log. */
  cooldown?: number;
  /** Narrow every instance's window to the wall-time span all windows share (default true); see alignWindows. */
  align?: boolean;
}

export const DEFAULT_WARMUP = 1;
export const DEFAULT_COOLDOWN = 1;

export interface SampleWindow {
  first: Sample;
  last: Sample;
  /** Samples dropped at each end, after any automatic lowering. */
  warmup: number;
  cooldown: number;
  /** Samples in the window, both ends included. */
  samples: number;
}

/**
 * Explicit warm-up and cool-down counts are kept as given, and a log too short for them is an
 * error: silently using other samples than asked would make figures hard to compare. Defaults
 * shrink (cool-down first, as the last samples are the shortest interval) so that a run just a few
 * intervals long still gets a profile, and the returned note says so.
 */
export function trimSamples(log: InstanceLog, options: TrimOptions = {}): { window: SampleWindow; note?: string } | { problem: ProfileProblem } {
  const n = log.samples.length;
  let warmup = options.warmup ?? DEFAULT_WARMUP;
  let cooldown = options.cooldown ?? DEFAULT_COOLDOWN;
  let note: string | undefined;
  if (!Number.isSafeInteger(warmup) || warmup < 0 || !Number.isSafeInteger(cooldown) || cooldown < 0) {
    return { problem: { code: 'E_PROFILE_SHORT', file: log.file, message: `warm-up and cool-down are sample counts, 0 or more (got ${warmup} and ${cooldown})` } };
  }
  if (n - warmup - cooldown < 2) {
    if (options.cooldown === undefined) cooldown = Math.max(0, Math.min(cooldown, n - warmup - 2));
    if (options.warmup === undefined) warmup = Math.max(0, Math.min(warmup, n - cooldown - 2));
    if (n - warmup - cooldown >= 2) note = `${log.file}: only ${n} samples; dropped ${warmup} warm-up and ${cooldown} cool-down sample(s) instead of ${DEFAULT_WARMUP} and ${DEFAULT_COOLDOWN}`;
  }
  if (n - warmup - cooldown < 2) {
    const hint = n < 2 ? 'the run was shorter than two profile intervals: profile with a shorter interval, e.g. --profile 50ms' : 'lower --warmup or --cooldown';
    return {
      problem: {
        code: 'E_PROFILE_SHORT',
        file: log.file,
        message: `${n} sample(s); dropping ${warmup} warm-up and ${cooldown} cool-down leaves ${Math.max(0, n - warmup - cooldown)}, and a figure needs 2: ${hint}`,
      },
    };
  }
  const first = log.samples[warmup]!;
  const last = log.samples[n - 1 - cooldown]!;
  if (last.wallNs <= first.wallNs) {
    return { problem: { code: 'E_PROFILE_SHORT', file: log.file, line: last.line, message: `no wall time passes between line ${first.line} and line ${last.line}` } };
  }
  const window: SampleWindow = { first, last, warmup, cooldown, samples: n - warmup - cooldown };
  return note === undefined ? { window } : { window, note };
}

/**
 * Instances sample on their own clocks, and a busy instance may write fewer lines (it looks at the
 * clock between batches of events), so the same number of dropped samples can leave windows over
 * different stretches of the run: one instance's window would include a slow start that another's
 * skips, and their speeds would disagree for no reason of their own. The wall clock in the logs is
 * the epoch clock, shared by all instances of a run, so every window is narrowed to the span they
 * all cover: from the latest window start to the earliest window end, keeping for each instance
 * the first and last of its samples inside that span. An instance with fewer than two samples in
 * the span keeps its own window, and a note says so.
 */
export function alignWindows(logs: InstanceLog[], windows: SampleWindow[]): { windows: SampleWindow[]; notes: string[] } {
  if (windows.length < 2) return { windows, notes: [] };
  const start = Math.max(...windows.map((w) => w.first.wallNs));
  const end = Math.min(...windows.map((w) => w.last.wallNs));
  const notes: string[] = [];
  const aligned = windows.map((w, i) => {
    const inside = logs[i]!.samples.filter((s) => s.line >= w.first.line && s.line <= w.last.line && s.wallNs >= start && s.wallNs <= end);
    if (inside.length < 2 || inside[inside.length - 1]!.wallNs <= inside[0]!.wallNs) {
      notes.push(`${logs[i]!.file}: fewer than two samples in the wall-time span all instances cover; its figures use its own window (lines ${w.first.line} to ${w.last.line})`);
      return w;
    }
    return { ...w, first: inside[0]!, last: inside[inside.length - 1]!, samples: inside.length };
  });
  return { windows: aligned, notes };
}
