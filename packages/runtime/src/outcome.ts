import type { ComponentMetrics, StopReason } from '@splitsim/kernel';
import type { Failure } from './control.ts';

/** How a run ended, whatever ran it: one engine, the in-process instance, threads or processes. */
export type RunStatus = 'completed' | 'interrupted' | 'failed';

/** Where the run is; the one progress report every placement gives (the CLI renders it). */
export interface Progress {
  /** Simulated time every instance has passed, ps. */
  now: number;
  /** Events executed so far, all instances together. */
  events: number;
  /** Wall time since the run started, start-up included. */
  wallSeconds: number;
}

export type ProgressListener = (p: Progress) => void;

export interface RunOutcome {
  status: RunStatus;
  result: { reason: StopReason | 'interrupted' | 'failed'; now: number; events: number; message?: string };
  /** Per-component statistics in id order; null when the run failed, or was interrupted before every instance reported. */
  metrics: ComponentMetrics[] | null;
  /** Wall time of the whole run, start-up included. */
  wallSeconds: number;
  /** Wall time from the start signal to the end: the simulation itself. */
  runSeconds: number;
  log: string[];
  failure?: Failure;
  /** What interrupted the run (a signal's name), when it was. */
  interrupt?: string;
  /** False when a component stopped the run and some instance had already run past that point. */
  stopExact?: boolean;
}

/** Sum of events over per-component statistics. */
export function eventsOf(metrics: readonly ComponentMetrics[]): number {
  let n = 0;
  for (const m of metrics) n += m.events;
  return n;
}
