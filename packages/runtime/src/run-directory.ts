import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentMetrics, RunResult } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';

export interface RunRecord {
  plan: Plan;
  result: RunResult;
  metrics: ComponentMetrics[];
  /** Wall-clock facts go to run.json, never to metrics.json, which must be identical across partitions. */
  wallSeconds: number;
  status: 'completed' | 'interrupted' | 'failed';
  log: string[];
}

/** `runs/<config>-<timestamp>/` under the working directory. */
export function defaultRunDirectory(config: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('runs', `${config}-${stamp}`);
}

/** Writes plan.json, metrics.json, run.json and run.log; metrics.json holds no wall-clock value. */
export function writeRunDirectory(dir: string, run: RunRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(run.plan, null, 1) + '\n');
  const totals = { events: run.metrics.reduce((s, m) => s + m.events, 0), simulatedTime: run.result.now, stopReason: run.result.reason };
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ totals, components: run.metrics }, null, 1) + '\n');
  const info = {
    status: run.status,
    config: run.plan.config,
    instantiation: run.plan.instantiation,
    seed: run.plan.seed,
    instances: run.plan.instances.length,
    wallSeconds: run.wallSeconds,
    eventsPerSecond: run.wallSeconds > 0 ? totals.events / run.wallSeconds : null,
    ...(run.result.message ? { message: run.result.message } : {}),
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(info, null, 1) + '\n');
  writeFileSync(join(dir, 'run.log'), run.log.join('\n') + (run.log.length ? '\n' : ''));
}
