import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentMetrics, StopReason } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';

export interface RunRecord {
  plan: Plan;
  result: { reason: StopReason | 'interrupted' | 'failed'; now: number; events: number; message?: string };
  /** Null when the run failed: no statistics are written then. */
  metrics: ComponentMetrics[] | null;
  /** Wall-clock facts go to run.json, never to metrics.json, which must be identical across partitions. */
  wallSeconds: number;
  status: 'completed' | 'interrupted' | 'failed';
  log: string[];
  /** More facts for run.json (placement, the failure, whether a stop was exact…). */
  extra?: Record<string, unknown>;
}

/** `runs/<config>-<timestamp>/` under the working directory. */
export function defaultRunDirectory(config: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('runs', `${config}-${stamp}`);
}

/**
 * Writes plan.json, metrics.json (unless the run failed), run.json and run.log. metrics.json
 * holds no wall-clock value and no placement, so the same plan gives the same bytes whether it
 * ran in one engine, in threads or in processes.
 */
export function writeRunDirectory(dir: string, run: RunRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(run.plan, null, 1) + '\n');
  const events = run.metrics ? run.metrics.reduce((s, m) => s + m.events, 0) : run.result.events;
  if (run.metrics) {
    const totals = { events, simulatedTime: run.result.now, stopReason: run.result.reason };
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ totals, components: run.metrics }, null, 1) + '\n');
  } else rmSync(join(dir, 'metrics.json'), { force: true }); // no stale statistics from an earlier run
  const info = {
    status: run.status,
    config: run.plan.config,
    instantiation: run.plan.instantiation,
    seed: run.plan.seed,
    instances: run.plan.instances.length,
    wallSeconds: run.wallSeconds,
    eventsPerSecond: run.wallSeconds > 0 ? events / run.wallSeconds : null,
    ...(run.result.message ? { message: run.result.message } : {}),
    ...run.extra,
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(info, null, 1) + '\n');
  writeFileSync(join(dir, 'run.log'), run.log.join('\n') + (run.log.length ? '\n' : ''));
}
