/**
 * `npm run bench -- mmc --lambda 90 --c 10 --mu 10 --jobs 1000000 --seed 1 [--user-models] [--json]`
 *
 * The M/M/c queue of configs/mmc.ts, built from components exactly as `splitsim run` builds it
 * (system → instantiation → plan → engine), timed from the first event to the last. Rates are
 * per --time-unit (default ms): a million jobs at 90 per second would span 3.1 hours of simulated
 * time, past the 2^53 ps (2.5 h) that integer picoseconds hold exactly; the unit changes no event.
 *
 * `--progress` draws the live progress line `splitsim run` shows on a terminal (into nothing), to
 * measure what it costs.
 *
 * `--user-models` runs, round by round in turn, the same queue built from a user's model module
 * (bench/user-models: the same algorithms, loaded through `modules` and the catalogue) and
 * reports its jobs per second against the built-in models', as the median ratio of the pairs.
 */
import { MS, SEC, US, toSeconds } from '@splitsim/kernel';
import { builtinCatalog, instantiate, type Catalog, type Config } from '@splitsim/instantiation';
import { mmc } from '@splitsim/models';
import { completed, loadConfig, runSequential } from '@splitsim/runtime';
import config from '../configs/mmc.ts';
import { benchArgs } from './args.ts';
import { liveProgress } from './live-progress.ts';

interface Round {
  jobsPerSec: number;
  /** Jobs per second of this process's CPU time in the run: what a loaded, shared machine disturbs least. */
  jobsPerCpuSec: number;
  eventsPerSec: number;
  meanWait: number;
  meanResponse: number;
  wallSeconds: number;
  now: number;
  events: number;
}

/** One run of the queue: the plan from `cfg` and `catalog`, run in one engine, timed from the first event to the last. */
function once(cfg: Config, catalog: Catalog, params: Record<string, unknown>, seed: number, jobs: number, unit: number, progress = false): Round {
  const system = cfg.system(params);
  const plan = instantiate(system, cfg.instantiations.single!(system, params), { config: cfg.name, instantiation: 'single', seed, catalog });
  const cpu0 = process.cpuUsage();
  const { result, metrics, wallSeconds } = completed(runSequential(plan, { catalog, ...(progress ? { progress: liveProgress(), progressMs: 200 } : {}) }));
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const server = metrics.find((m) => m.path === 'server')!.stats as Record<string, { mean: number; count: number }>;
  const served = server.response!.count;
  if (served !== jobs) throw new Error(`expected ${jobs} jobs served, got ${served}`);
  return { jobsPerSec: served / wallSeconds, jobsPerCpuSec: served / cpuSeconds, eventsPerSec: result.events / wallSeconds, meanWait: server.wait!.mean / unit, meanResponse: server.response!.mean / unit, wallSeconds, now: result.now, events: result.events };
}

const UNITS: Record<string, number> = { s: SEC, ms: MS, us: US };

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { lambda: 90, mu: 10, c: 10, jobs: 1_000_000, seed: 1, rounds: 3, warmup: 1, 'time-unit': 'ms', 'user-models': false, progress: false });
  const unit = UNITS[o['time-unit']];
  if (!unit) throw new Error(`--time-unit must be one of ${Object.keys(UNITS).join(', ')}`);
  const perSecond = SEC / unit;
  const params = config.params.parse({ lambda: o.lambda * perSecond, mu: o.mu * perSecond, c: o.c, jobs: o.jobs });
  const theory = mmc(o.lambda, o.mu, o.c);
  const rounds: Round[] = [];
  const userRounds: Round[] = [];
  const user = o['user-models'] ? await loadConfig(new URL('./user-models/mmc-user.ts', import.meta.url).pathname) : null;
  // Warm-up rounds let the JIT settle; like every JIT benchmark harness, they are not counted.
  for (let r = 0; r < o.warmup + o.rounds; r++) {
    const counted = r >= o.warmup;
    const round = once(config as unknown as Config, builtinCatalog(), params, o.seed, o.jobs, unit, o.progress);
    const userRound = user ? once(user.config, user.catalog, params, o.seed, o.jobs, unit) : null;
    if (userRound && userRound.events !== round.events) throw new Error(`the user models executed ${userRound.events} events, the built-in ones ${round.events}`);
    const line = (x: Round) => `${(x.jobsPerSec / 1e6).toFixed(2)} M jobs/s, ${(x.eventsPerSec / 1e6).toFixed(2)} M events/s, ${x.wallSeconds.toFixed(3)} s wall`;
    if (!o.json && !counted) console.log(`warm-up: ${line(round)}${userRound ? `; user models ${line(userRound)}` : ''} (not counted)`);
    if (!counted) continue;
    rounds.push(round);
    if (userRound) userRounds.push(userRound);
    if (!o.json) {
      console.log(`round ${r - o.warmup + 1}: ${line(round)}, ${toSeconds(round.now).toFixed(1)} s simulated${userRound ? `\n         user models ${line(userRound)} (${(userRound.jobsPerSec / round.jobsPerSec).toFixed(3)}×)` : ''}`);
    }
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const median = (k: keyof Round) => mid(rounds.map((r) => r[k]));
  const out = {
    bench: 'mmc',
    lambda: o.lambda,
    mu: o.mu,
    c: o.c,
    jobs: o.jobs,
    seed: o.seed,
    progress: o.progress,
    timeUnit: o['time-unit'],
    rounds: o.rounds,
    warmupRounds: o.warmup,
    jobsPerSec: median('jobsPerSec'),
    jobsPerCpuSec: median('jobsPerCpuSec'),
    eventsPerSec: median('eventsPerSec'),
    meanWait: rounds[0]!.meanWait,
    meanResponse: rounds[0]!.meanResponse,
    erlangWait: theory.meanWait,
    erlangResponse: theory.meanResponse,
    waitError: rounds[0]!.meanWait / theory.meanWait - 1,
    ...(userRounds.length > 0
      ? { userJobsPerSec: mid(userRounds.map((r) => r.jobsPerSec)), userRatio: mid(userRounds.map((r, i) => r.jobsPerSec / rounds[i]!.jobsPerSec)) }
      : {}),
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
  if (out.userRatio !== undefined) console.log(`  user models   ${(out.userJobsPerSec! / 1e6).toFixed(2)} M jobs/s, ${out.userRatio.toFixed(3)}× the built-in (median of ${o.rounds} pairs)`);
}
