/**
 * `npm run bench -- hyperscale [--n 100000] [--jobs 10000000] [--policy push] [--lambda 0.9] [--delta 1] [--bankSize 1000] [--json]`
 *
 * configs/hyperscale-lb.ts in one instance, built exactly as `splitsim run` builds it (system →
 * instantiation → plan → engine): a dispatcher, N single-server queues in server banks of
 * `bankSize` (the config's default, 1000), the policy's probes or updates. The run lasts
 * jobs / (λN) mean job sizes, so about `jobs` jobs arrive. wallSec is the simulation (first
 * event to last); setupSec builds the system, the plan and the engine.
 */
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';
import config, { cavity, responseSummary } from '../configs/hyperscale-lb.ts';
import { benchArgs } from './args.ts';

export const DEFAULTS = { n: 100_000, jobs: 10_000_000, policy: 'push', lambda: 0.9, delta: 1, size: 'exponential', seed: 1, warmup: 0.2, bankSize: 1000 };

/** One measured run; the figures --json prints. */
export function measure(o: typeof DEFAULTS) {
  const duration = o.jobs / (o.lambda * o.n);
  const params = config.params.parse({ policy: o.policy, n: o.n, lambda: o.lambda, delta: o.delta, size: o.size, duration, warmup: o.warmup * duration, bankSize: o.bankSize });
  const t0 = performance.now();
  const system = config.system(params);
  const plan = instantiate(system, config.instantiations.single!(system, params), { config: 'hyperscale-lb', instantiation: 'single', seed: o.seed });
  const t1 = performance.now();
  const { result, metrics, wallSeconds } = completed(runSequential(plan));
  const t2 = performance.now();
  const r = responseSummary(metrics);
  let jobs = 0;
  for (const m of metrics) if (typeof m.stats.served === 'number') jobs += m.stats.served;
  const unitPs = 1e9; // the config's default unit, 1 ms
  const theory = cavity(params);
  const out = {
    bench: 'hyperscale',
    policy: o.policy,
    n: o.n,
    lambda: o.lambda,
    delta: o.delta,
    bankSize: o.bankSize,
    jobs,
    events: result.events,
    eventsPerJob: result.events / jobs,
    wallSec: wallSeconds,
    setupSec: (t1 - t0) / 1000 + ((t2 - t1) / 1000 - wallSeconds),
    totalSec: (t2 - t0) / 1000,
    jobsPerSec: jobs / wallSeconds,
    meanResponse: r.meanResponse / unitPs,
    cavityMeanResponse: theory.meanResponse,
    longestQueue: r.maxQueue,
  };
  return { out, events: result.events, theory };
}

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, DEFAULTS);
  const { out, events, theory } = measure(o);
  const { jobs, wallSec: wallSeconds } = out;
  if (o.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`${o.policy}, N = ${o.n}, λ = ${o.lambda}, δ = ${o.delta}: ${jobs.toLocaleString('en')} jobs, ${events.toLocaleString('en')} events`);
  console.log(`  simulation ${wallSeconds.toFixed(2)} s wall (${(jobs / wallSeconds / 1e6).toFixed(2)} M jobs/s, ${(events / wallSeconds / 1e6).toFixed(2)} M events/s); setup ${out.setupSec.toFixed(2)} s`);
  console.log(`  mean response ${out.meanResponse.toFixed(4)} job sizes (cavity ${theory.meanResponse.toFixed(4)}), longest queue ${out.longestQueue} (cavity bound ${theory.maxQueueLength})`);
}
