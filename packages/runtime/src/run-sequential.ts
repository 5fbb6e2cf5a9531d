import { SimulationError, SplitSimError } from '@splitsim/kernel';
import { builtinCatalog, type Catalog, type Plan } from '@splitsim/instantiation';
import { buildInstance } from './build-instance.ts';
import { failureOf } from './control.ts';
import { InlineLoop } from './inline-loop.ts';
import type { ProgressListener, RunOutcome } from './outcome.ts';

export interface SequentialOptions {
  /** The plan's models (planCatalog); default: the built-in module, for plans that use nothing else. */
  catalog?: Catalog;
  until?: number;
  maxEvents?: number;
  log?: (line: string) => void;
  /** Called about once a second of wall time (progressMs). */
  progress?: ProgressListener;
  /** Wall time between progress calls, ms (default 1000). */
  progressMs?: number;
}

/**
 * Runs a whole plan in one engine, ignoring its partition, synchronously: the reference every
 * partition must match, for tests, benchmarks and scripts. It drives the engine with the same
 * loop as the in-process instance of runPlan and ends the run by the same rule, and returns the
 * same outcome: a component's exception is a `failed` status, not a throw. (It cannot be
 * interrupted: nothing else runs until it returns. `splitsim run` uses runPlan.)
 */
export function runSequential(plan: Plan, options: SequentialOptions = {}): RunOutcome {
  const whole: Plan = {
    ...plan,
    instances: [{ id: 0, name: 'all', components: plan.components.map((c) => c.id), placement: { kind: 'thread' } }],
    links: plan.links.map((l) => ({ ...l, channel: null })),
    channels: [],
  };
  const log: string[] = [];
  const sink = (line: string) => {
    log.push(line);
    options.log?.(line);
  };
  const { engine } = buildInstance(whole, 0, options.catalog ?? builtinOnly(plan), sink);
  const until = options.until ?? Infinity;
  const loop = new InlineLoop(engine, until, options.maxEvents ?? Infinity);
  const t0 = performance.now();
  const wall = () => (performance.now() - t0) / 1000;
  try {
    engine.start();
    while (!loop.run(options.progress ? (options.progressMs ?? 1000) : Infinity)) options.progress?.({ now: engine.now, events: engine.executed, wallSeconds: wall() });
    const end = engine.end({ until, maxEvents: loop.maxEventsReached });
    const result: RunOutcome['result'] = { reason: end.reason, now: end.now, events: engine.executed };
    if (end.message !== undefined) result.message = end.message;
    const wallSeconds = wall();
    return { status: 'completed', result, metrics: engine.metrics(), wallSeconds, runSeconds: wallSeconds, log };
  } catch (err) {
    if (!(err instanceof SimulationError)) throw err;
    const failure = failureOf('all', err);
    sink(`failed: ${err.message}`);
    const wallSeconds = wall();
    return { status: 'failed', result: { reason: 'failed', now: err.time, events: err.event, message: err.message }, metrics: null, wallSeconds, runSeconds: wallSeconds, log, failure };
  }
}

/** An outcome that has its statistics. */
export type Completed = RunOutcome & { metrics: NonNullable<RunOutcome['metrics']> };

/**
 * The outcome itself if it has statistics (completed, or interrupted after every instance
 * reported); otherwise throws what ended it: for callers that cannot go on without statistics.
 */
export function completed(outcome: RunOutcome): Completed {
  if (outcome.metrics !== null) return outcome as Completed;
  const f = outcome.failure;
  throw new SplitSimError(f?.code === 'E_COMPONENT' ? 'E_COMPONENT' : 'E_INSTANCE', f?.message ?? `the run was ${outcome.status} before every instance reported`, f ? { ...f } : {});
}

function builtinOnly(plan: Plan): Catalog {
  const own = plan.modules.filter((m) => m.url !== undefined).map((m) => m.specifier);
  if (own.length > 0) throw new SplitSimError('E_CONFIG', `plan of ${plan.config} uses model modules (${own.join(', ')}); pass their catalogue: runSequential(plan, { catalog: await planCatalog(plan) })`);
  return builtinCatalog();
}
