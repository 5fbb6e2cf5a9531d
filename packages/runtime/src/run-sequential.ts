import type { ComponentMetrics, RunResult, StopReason } from '@splitsim/kernel';
import { builtinCatalog, type Catalog, type Plan } from '@splitsim/instantiation';
import { SplitSimError } from '@splitsim/kernel';
import { buildInstance } from './build-instance.ts';

export interface SequentialResult {
  result: RunResult;
  metrics: ComponentMetrics[];
  wallSeconds: number;
}

export interface SequentialOptions {
  /** The plan's models (planCatalog); default: the built-in module, for plans that use nothing else. */
  catalog?: Catalog;
  until?: number;
  maxEvents?: number;
  log?: (line: string) => void;
  /** Called about once a second of wall time with the simulated time and events so far. */
  progress?: (now: number, events: number, wallSeconds: number) => void;
}

/** Events per slice between progress checks: small enough to report each second, large enough to cost nothing. */
const SLICE = 1 << 20;

/** Runs a whole plan in one engine, ignoring its partition: the reference every partition must match. */
export function runSequential(plan: Plan, options: SequentialOptions = {}): SequentialResult {
  const whole: Plan = {
    ...plan,
    instances: [{ id: 0, name: 'all', components: plan.components.map((c) => c.id), placement: { kind: 'thread' } }],
    links: plan.links.map((l) => ({ ...l, channel: null })),
    channels: [],
  };
  const catalog = options.catalog ?? builtinOnly(plan);
  const { engine } = buildInstance(whole, 0, catalog, options.log);
  const until = options.until ?? Infinity;
  const limit = until === Infinity ? Infinity : until + 1;
  const maxEvents = options.maxEvents ?? Infinity;
  const t0 = performance.now();
  let lastReport = t0;
  engine.start();
  for (;;) {
    const left = maxEvents - engine.executed;
    const n = engine.runBefore(limit, Math.min(SLICE, left));
    if (n < Math.min(SLICE, left) || engine.executed >= maxEvents || engine.stopped) break;
    const t = performance.now();
    if (options.progress && t - lastReport > 1000) {
      lastReport = t;
      options.progress(engine.now, engine.executed, (t - t0) / 1000);
    }
  }
  let reason: StopReason;
  if (engine.stopped) reason = 'stopped';
  else if (engine.executed >= maxEvents) reason = 'maxEvents';
  else if (engine.queue.size === 0) reason = 'empty';
  else {
    reason = 'until';
    engine.now = until;
  }
  engine.finish();
  const wallSeconds = (performance.now() - t0) / 1000;
  const result: RunResult = { reason, events: engine.executed, now: engine.now };
  const message = engine.stopMessage;
  if (message !== null) result.message = message;
  return { result, metrics: engine.metrics(), wallSeconds };
}

function builtinOnly(plan: Plan): Catalog {
  const own = plan.modules.filter((m) => m.url !== undefined).map((m) => m.specifier);
  if (own.length > 0) throw new SplitSimError('E_CONFIG', `plan of ${plan.config} uses model modules (${own.join(', ')}); pass their catalogue: runSequential(plan, { catalog: await planCatalog(plan) })`);
  return builtinCatalog();
}
