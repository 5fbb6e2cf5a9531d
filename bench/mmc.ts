/**
 * `npm run bench -- mmc --lambda 90 --c 10 --mu 10 --jobs 1000000 --seed 1 [--json]`
 *
 * The M/M/c queue of configs/mmc.ts, built from components exactly as `splitsim run` builds it
 * (system → instantiation → plan → engine), timed from the first event to the last. Rates are
 * per --time-unit (default ms): a million jobs at 90 per second would span 3.1 hours of simulated
 * time, past the 2^53 ps (2.5 h) that integer picoseconds hold exactly; the unit changes no event.
 */
import { MS, SEC, US, toSeconds } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { mmc } from '@splitsim/models';
import { completed, runSequential } from '@splitsim/runtime';
import config from '../configs/mmc.ts';
import { benchArgs } from './args.ts';

const UNITS: Record<string, number> = { s: SEC, ms: MS, us: US };

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { lambda: 90, mu: 10, c: 10, jobs: 1_000_000, seed: 1, rounds: 3, warmup: 1, 'time-unit': 'ms' });
  const unit = UNITS[o['time-unit']];
  if (!unit) throw new Error(`--time-unit must be one of ${Object.keys(UNITS).join(', ')}`);
  const perSecond = SEC / unit;
  const params = config.params.parse({ lambda: o.lambda * perSecond, mu: o.mu * perSecond, c: o.c, jobs: o.jobs });
  const theory = mmc(o.lambda, o.mu, o.c);
  const rounds: Array<{ jobsPerSec: number; eventsPerSec: number; meanWait: number; meanResponse: number }> = [];
  // Warm-up rounds let the JIT settle; like every JIT benchmark harness, they are not counted.
  for (let r = 0; r < o.warmup + o.rounds; r++) {
    const counted = r >= o.warmup;
    const system = config.system(params);
    const plan = instantiate(system, config.instantiations.single!(system, params), { config: 'mmc', instantiation: 'single', seed: o.seed });
    const { result, metrics, wallSeconds } = completed(runSequential(plan));
    const server = metrics.find((m) => m.path === 'server')!.stats as Record<string, { mean: number; count: number }>;
    const jobs = server.response!.count;
    if (jobs !== o.jobs) throw new Error(`expected ${o.jobs} jobs served, got ${jobs}`);
    if (!o.json && !counted) console.log(`warm-up: ${(jobs / wallSeconds / 1e6).toFixed(2)} M jobs/s (not counted)`);
    if (!counted) continue;
    rounds.push({
      jobsPerSec: jobs / wallSeconds,
      eventsPerSec: result.events / wallSeconds,
      meanWait: server.wait!.mean / unit,
      meanResponse: server.response!.mean / unit,
    });
    if (!o.json) {
      console.log(`round ${r - o.warmup + 1}: ${(jobs / wallSeconds / 1e6).toFixed(2)} M jobs/s, ${(result.events / wallSeconds / 1e6).toFixed(2)} M events/s, ${wallSeconds.toFixed(3)} s wall, ${toSeconds(result.now).toFixed(1)} s simulated`);
    }
  }
  const median = (k: keyof (typeof rounds)[number]) => rounds.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  const out = {
    bench: 'mmc',
    lambda: o.lambda,
    mu: o.mu,
    c: o.c,
    jobs: o.jobs,
    seed: o.seed,
    timeUnit: o['time-unit'],
    rounds: o.rounds,
    warmupRounds: o.warmup,
    jobsPerSec: median('jobsPerSec'),
    eventsPerSec: median('eventsPerSec'),
    meanWait: rounds[0]!.meanWait,
    meanResponse: rounds[0]!.meanResponse,
    erlangWait: theory.meanWait,
    erlangResponse: theory.meanResponse,
    waitError: rounds[0]!.meanWait / theory.meanWait - 1,
  };
  if (o.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`M/M/${o.c}, λ = ${o.lambda}, μ = ${o.mu} per ${o['time-unit']} (ρ = ${theory.utilization.toFixed(3)}), ${o.jobs.toLocaleString('en')} jobs, seed ${o.seed}`);
  console.log(`  jobs per wall second   ${(out.jobsPerSec / 1e6).toFixed(2)} M (median of ${o.rounds})`);
  console.log(`  events per wall second ${(out.eventsPerSec / 1e6).toFixed(2)} M`);
  console.log(`  mean wait     ${out.meanWait.toPrecision(6)} ${o['time-unit']}   Erlang C ${theory.meanWait.toPrecision(6)} (${(out.waitError * 100).toFixed(2)} %)`);
  console.log(`  mean response ${out.meanResponse.toPrecision(6)} ${o['time-unit']}   theory   ${theory.meanResponse.toPrecision(6)}`);
}
