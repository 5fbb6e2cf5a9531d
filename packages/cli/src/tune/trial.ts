import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSeconds } from '@splitsim/kernel';
import { instantiate, type Catalog, type Config, type Instantiation, type Plan } from '@splitsim/instantiation';
import { measureCosts, type Candidate, type RunCosts } from '@splitsim/profiler';
import { runParallel, Stopper, writeRunDirectory } from '@splitsim/runtime';

/**
 * One short profiled run of a candidate partition, as `splitsim tune` makes them: the start
 * instantiation's models with the candidate's groups and placement, in the parallel runtime (so
 * that every trial, one instance included, is profiled the same way), written as a run directory
 * and read back by the profiler.
 */
export interface TrialSpec {
  config: Config;
  params: Record<string, unknown>;
  /** The start instantiation: its models (and sync intervals) are kept, its partition replaced. */
  base: Instantiation;
  instName: string;
  seed: number;
  until: number;
  profileNs: number;
  dir: string;
  signal?: AbortSignal;
  /** The models the config's modules provide (default: the built-in ones). */
  catalog?: Catalog;
}

export interface TrialResult {
  dir: string;
  status: 'completed' | 'interrupted' | 'failed';
  /** Profiler's speed over the trimmed window (simulated s per wall s), null if the profile could not be read. */
  measured: number | null;
  /** Simulated time over the wall time from the start signal: start-up excluded, warm-up included. */
  runSpeed: number;
  wallSeconds: number;
  costs: RunCosts | null;
  /** metrics.json's text, to compare with the first trial's. */
  metrics: string | null;
  plan: Plan;
  problem?: string;
}

/** The instantiation that runs `candidate`: the base's models, the candidate's groups and placement. */
export function instantiationOf(base: Instantiation, candidate: Candidate | null): Instantiation {
  if (candidate === null) return base;
  const groups = candidate.groups.map((g) => ({ name: g.name, components: [...g.components] }));
  const placement = new Map(candidate.groups.map((g) => [g.name, g.placement]));
  return { ...base, description: candidate.name, partition: () => groups.map((g) => ({ name: g.name, components: [...g.components] })), placement: (i) => placement.get(i.name) ?? 'thread' };
}

export async function runTrial(spec: TrialSpec, candidate: Candidate | null): Promise<TrialResult> {
  const system = spec.config.system(spec.params);
  const plan = instantiate(system, instantiationOf(spec.base, candidate), { config: spec.config.name, instantiation: candidate?.name ?? spec.instName, seed: spec.seed, ...(spec.catalog ? { catalog: spec.catalog } : {}) });
  // The budget's end interrupts the trial like a Ctrl-C: the instances stop and report.
  const stopper = new Stopper();
  const onAbort = () => stopper.interrupt('tune budget spent');
  if (spec.signal?.aborted) onAbort();
  else spec.signal?.addEventListener('abort', onAbort, { once: true });
  const r = await runParallel(plan, { until: spec.until, runDir: spec.dir, profileNs: spec.profileNs, stopper }).finally(() => spec.signal?.removeEventListener('abort', onAbort));
  writeRunDirectory(spec.dir, { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: r.status, log: r.log, extra: { runSeconds: r.runSeconds, profileIntervalNs: spec.profileNs } });
  const out: TrialResult = {
    dir: spec.dir, status: r.status, measured: null, runSpeed: r.runSeconds > 0 ? toSeconds(r.result.now) / r.runSeconds : 0, wallSeconds: r.wallSeconds, costs: null, metrics: null, plan,
  };
  if (r.status !== 'completed') {
    out.problem = r.failure?.message ?? r.status;
    return out;
  }
  const metricsFile = join(spec.dir, 'metrics.json');
  if (existsSync(metricsFile)) out.metrics = readFileSync(metricsFile, 'utf8');
  try {
    out.costs = measureCosts(spec.dir);
    out.measured = out.costs.measuredSpeed;
  } catch (err) {
    out.problem = (err as Error).message.split('\n')[0]!;
  }
  return out;
}
