import { ProfileError, type ProfileProblem } from './errors.ts';
import type { RunStatus } from './read-log.ts';
import type { RunInfo } from './read-run.ts';
import { alignWindows, trimSamples, type SampleWindow, type TrimOptions } from './trim.ts';

/**
 * The paper's figures (section 3.3.2), per instance over its sample window:
 * - simulation speed: simulated time per wall time; instances are synchronized, so each should
 *   see the same speed, which is reported once, with a flag when they disagree;
 * - efficiency: the share of wall time not spent in the channels (waiting, receiving, sending,
 *   synchronizing): where it drops, more parallelism stops paying;
 * - wait share: the share of wall time spent blocked, in total and per channel end, which is what
 *   the WTPG draws.
 */
export interface MetricsOptions extends TrimOptions {
  /** Largest relative spread of per-instance speeds, (max - min) / median, still called agreement. Default 0.05. */
  speedTolerance?: number;
}

export interface ChannelEndFigures {
  channel: string;
  peer: string;
  /** Share of this instance's wall time spent waiting for this channel's promise: the WTPG edge toward `peer`. */
  waitShare: number;
  rxShare: number;
  txShare: number;
  syncShare: number;
  /** Messages in the window. */
  rxMsgs: number;
  txMsgs: number;
  syncMsgs: number;
}

export interface InstanceFigures {
  instance: string;
  status: RunStatus | null;
  /** Components the instance simulates, from plan.json; null without one. */
  components: number | null;
  window: { fromLine: number; toLine: number; samples: number; warmup: number; cooldown: number; wallSeconds: number; simulatedSeconds: number };
  /** Simulated seconds per wall second over this instance's window. */
  speed: number;
  events: number;
  eventsPerSecond: number;
  waitShare: number;
  rxShare: number;
  txShare: number;
  syncShare: number;
  efficiency: number;
  channels: ChannelEndFigures[];
}

export interface SpeedFigures {
  /** Simulated seconds per wall second: the median over instances. */
  value: number;
  min: number;
  max: number;
  /** (max - min) / median. */
  spread: number;
  agree: boolean;
  byInstance: Record<string, number>;
}

export interface Metrics {
  instances: InstanceFigures[];
  speed: SpeedFigures;
  notes: string[];
}

export const DEFAULT_SPEED_TOLERANCE = 0.05;

export function computeMetrics(run: RunInfo, options: MetricsOptions = {}): Metrics {
  const notes: string[] = [];
  const problems: ProfileProblem[] = [];
  const instances: InstanceFigures[] = [];
  const componentsOf = new Map((run.plan?.instances ?? []).map((i) => [i.name, i.components]));
  const windows: SampleWindow[] = [];
  for (const log of run.logs) {
    notes.push(...log.notes);
    const trimmed = trimSamples(log, options);
    if ('problem' in trimmed) {
      problems.push(trimmed.problem);
      continue;
    }
    if (trimmed.note) notes.push(trimmed.note);
    windows.push(trimmed.window);
  }
  if (problems.length > 0) throw new ProfileError(problems);
  const aligned = options.align === false ? { windows, notes: [] } : alignWindows(run.logs, windows);
  notes.push(...aligned.notes);
  run.logs.forEach((log, k) => {
    const window = aligned.windows[k]!;
    const { first, last } = window;
    const wallNs = last.wallNs - first.wallNs;
    const share = (ns: number) => ns / wallNs;
    const start = new Map(first.channels.map((c) => [c.channel, c]));
    const channels: ChannelEndFigures[] = last.channels.map((c) => {
      const s = start.get(c.channel)!;
      return {
        channel: c.channel,
        peer: c.peer,
        waitShare: share(c.waitNs - s.waitNs),
        rxShare: share(c.rxNs - s.rxNs),
        txShare: share(c.txNs - s.txNs),
        syncShare: share(c.syncNs - s.syncNs),
        rxMsgs: c.rxMsgs - s.rxMsgs,
        txMsgs: c.txMsgs - s.txMsgs,
        syncMsgs: c.syncMsgs - s.syncMsgs,
      };
    });
    const sum = (k: 'waitShare' | 'rxShare' | 'txShare' | 'syncShare') => channels.reduce((t, c) => t + c[k], 0);
    const waitShare = sum('waitShare');
    const rxShare = sum('rxShare');
    const txShare = sum('txShare');
    const syncShare = sum('syncShare');
    const inChannels = waitShare + rxShare + txShare + syncShare;
    // Counters and the wall clock are read at slightly different moments; a little over 100 % is
    // rounding, a lot means the counters overlap (e.g. rx time also counted as wait).
    if (inChannels > 1.01) notes.push(`${log.file}: wait, rx, tx and sync add up to ${(inChannels * 100).toFixed(1)} % of the wall time between lines ${first.line} and ${last.line}; efficiency taken as 0`);
    const wallSeconds = wallNs / 1e9;
    const simulatedSeconds = (last.simPs - first.simPs) / 1e12;
    const events = last.events - first.events;
    instances.push({
      instance: log.instance,
      status: log.status,
      components: componentsOf.get(log.instance) ?? null,
      window: { fromLine: first.line, toLine: last.line, samples: window.samples, warmup: window.warmup, cooldown: window.cooldown, wallSeconds, simulatedSeconds },
      speed: simulatedSeconds / wallSeconds,
      events,
      eventsPerSecond: events / wallSeconds,
      waitShare,
      rxShare,
      txShare,
      syncShare,
      efficiency: Math.min(1, Math.max(0, 1 - inChannels)),
      channels,
    });
  });
  return { instances, speed: speedOf(instances, options.speedTolerance ?? DEFAULT_SPEED_TOLERANCE), notes };
}

function speedOf(instances: InstanceFigures[], tolerance: number): SpeedFigures {
  const speeds = instances.map((i) => i.speed).sort((a, b) => a - b);
  const mid = speeds.length >> 1;
  const value = speeds.length % 2 ? speeds[mid]! : (speeds[mid - 1]! + speeds[mid]!) / 2;
  const min = speeds[0]!;
  const max = speeds[speeds.length - 1]!;
  const spread = value > 0 ? (max - min) / value : max > 0 ? Infinity : 0;
  return { value, min, max, spread, agree: spread <= tolerance, byInstance: Object.fromEntries(instances.map((i) => [i.instance, i.speed])) };
}
