import { availableParallelism } from 'node:os';
import { parseTime, SplitSimError, studentTQuantile, type ComponentMetrics, type ErrorCode } from '@splitsim/kernel';
import type { Figure } from '@splitsim/instantiation';
import { planConfig, summarize } from './plan-config.ts';
import { loadConfig } from './config-file.ts';
import { completed, runSequential } from './run-sequential.ts';

/**
 * Independent replications of one config on a pool of worker threads (piscina): each run gets
 * its own seed, and each figure and statistic is reported as the mean over runs with the
 * half-width of its 95 % confidence interval (Student t with n - 1 degrees of freedom). Runs are
 * independent, so this interval is honest even where one long run's batch means would not be.
 */
export interface ReplicationTask {
  /** Absolute path of the config file. */
  file: string;
  overrides: Record<string, unknown>;
  inst?: string;
  seed: number;
  until?: string;
  maxEvents?: number;
  /** Keep the full metrics (for a report) rather than only the flattened numbers. */
  keepMetrics?: boolean;
}

export interface ReplicationResult {
  seed: number;
  figures: Figure[];
  /** Every scalar statistic, "path.statistic[.field]" → value (left out above 1000 components). */
  values: Record<string, number>;
  events: number;
  simulatedTime: number;
  wallSeconds: number;
  metrics?: ComponentMetrics[];
}

/** One replication: the task a pool worker runs (also callable in-process). */
export async function runReplication(task: ReplicationTask): Promise<ReplicationResult> {
  const loaded = await loadConfig(task.file, task.overrides);
  const { config, params, catalog } = loaded;
  const { plan } = planConfig(loaded, task.file, task.inst, task.seed);
  const untilText = task.until ?? config.run?.until;
  const options: Parameters<typeof runSequential>[1] = { catalog };
  if (untilText !== undefined) options.until = parseTime(untilText, '--until');
  if (task.maxEvents !== undefined) options.maxEvents = task.maxEvents;
  const { result, metrics, wallSeconds } = completed(runSequential(plan, options));
  const figures = summarize(loaded, task.file, metrics);
  const out: ReplicationResult = { seed: task.seed, figures, values: flatten(metrics), events: result.events, simulatedTime: result.now, wallSeconds };
  if (task.keepMetrics) out.metrics = metrics;
  return out;
}

/** Scalars of every component's statistics: counters, means, counts and percentiles. */
export function flatten(metrics: readonly ComponentMetrics[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (metrics.length > 1000) return out;
  for (const m of metrics) {
    for (const [name, stat] of Object.entries(m.stats)) {
      const key = `${m.path}.${name}`;
      if (typeof stat === 'number') out[key] = stat;
      else if (stat && typeof stat === 'object' && !('times' in stat)) {
        for (const field of ['mean', 'count', 'p50', 'p90', 'p99'] as const) {
          const v = (stat as Record<string, unknown>)[field];
          if (typeof v === 'number') out[`${key}.${field}`] = v;
        }
      }
    }
  }
  return out;
}

export interface Estimate {
  n: number;
  mean: number;
  /** Half-width of the 95 % confidence interval; Infinity with one run. */
  ci95: number;
  min: number;
  max: number;
  expected?: number;
  unit?: string;
}

/** Mean and 95 % half-width of a sample of independent values. */
export function estimate(xs: readonly number[]): Estimate {
  const v = xs.filter((x) => Number.isFinite(x));
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const ss = v.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  const ci95 = n > 1 ? studentTQuantile(0.975, n - 1) * Math.sqrt(ss / (n - 1) / n) : Infinity;
  return { n, mean, ci95, min: n ? Math.min(...v) : NaN, max: n ? Math.max(...v) : NaN };
}

export interface Aggregate {
  figures: Array<Estimate & { name: string }>;
  values: Record<string, Estimate>;
}

/** Per figure and per statistic: mean and confidence interval over the replications. */
export function aggregate(results: readonly ReplicationResult[]): Aggregate {
  const names: string[] = [];
  const byName = new Map<string, { xs: number[]; expected?: number; unit?: string }>();
  for (const r of results) {
    for (const f of r.figures) {
      let e = byName.get(f.name);
      if (!e) {
        e = { xs: [] };
        if (f.expected !== undefined) e.expected = f.expected;
        if (f.unit !== undefined) e.unit = f.unit;
        byName.set(f.name, e);
        names.push(f.name);
      }
      e.xs.push(f.value);
    }
  }
  const figures = names.map((name) => {
    const e = byName.get(name)!;
    const est: Estimate & { name: string } = { name, ...estimate(e.xs) };
    if (e.expected !== undefined) est.expected = e.expected;
    if (e.unit !== undefined) est.unit = e.unit;
    return est;
  });
  const keys = new Set<string>();
  for (const r of results) for (const k of Object.keys(r.values)) keys.add(k);
  const values: Record<string, Estimate> = {};
  for (const k of keys) values[k] = estimate(results.map((r) => r.values[k] ?? NaN));
  return { figures, values };
}

export interface BatchProgress {
  done: number;
  total: number;
  elapsedSeconds: number;
  /** Estimated wall time left, from the mean pace so far. */
  leftSeconds: number;
}

export interface BatchOptions {
  /** Worker threads; 0 runs the tasks one by one in this thread. Default: the cores available. */
  workers?: number;
  progress?: (p: BatchProgress) => void;
}

/** Runs replication tasks on a piscina pool; results come back in task order. */
export async function runBatch(tasks: readonly ReplicationTask[], options: BatchOptions = {}): Promise<ReplicationResult[]> {
  const workers = options.workers ?? Math.min(availableParallelism(), tasks.length);
  const t0 = performance.now();
  let done = 0;
  const tick = () => {
    done++;
    const elapsed = (performance.now() - t0) / 1000;
    options.progress?.({ done, total: tasks.length, elapsedSeconds: elapsed, leftSeconds: (elapsed / done) * (tasks.length - done) });
  };
  if (workers === 0) {
    const out: ReplicationResult[] = [];
    for (const t of tasks) {
      out.push(await runReplication(t));
      tick();
    }
    return out;
  }
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: new URL('./replications-worker.mjs', import.meta.url).href, minThreads: Math.max(1, workers), maxThreads: Math.max(1, workers) });
  // Tasks go to the pool no faster than it has workers, and after a failure no more go: the
  // pool is destroyed only once nothing runs on it. Destroying it under a running task races
  // with that task's answer, which piscina then reports as an 'error' event that ends the process.
  let poolError: unknown;
  pool.on('error', (e) => (poolError ??= e));
  const results: ReplicationResult[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < tasks.length) {
      const i = next++;
      try {
        const r = (await pool.run(tasks[i])) as ReplicationResult | { failed: { code: ErrorCode; message: string; details: Record<string, unknown> } };
        // Our errors come back as data (replications-worker.mjs), with their code.
        if ('failed' in r) throw new SplitSimError(r.failed.code, r.failed.message, r.failed.details);
        results[i] = r;
        tick();
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(Math.max(1, workers), tasks.length) }, lane));
  } finally {
    await pool.destroy();
  }
  if (failure) throw failure.error;
  if (poolError !== undefined) throw poolError;
  return results;
}

/** Seeds base, base + 1, …: replication i always gets the same seed, so a batch can be repeated. */
export function replicationSeeds(base: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => base + i);
}
