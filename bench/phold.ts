/**
 * `npm run bench -- phold --instances 1,2,4 [--n 1024] [--population 16] [--remote 0.1] [--lookahead 10us]
 *   [--mean 1us] [--until 5ms] [--placement thread] [--rounds 2] [--profile-overhead [--profile-dir d]] [--no-kernel] [--json]`
 *
 * PHOLD (configs/phold.ts) partitioned linearN for each instance count, run by the parallel
 * runtime; times are wall seconds from the start signal to the end (start-up excluded), the best
 * of --rounds. speedup[k] = time with one instance / time with instances[k]. The same plan also
 * runs in the bare kernel (runSequential, in this thread): oneInstanceOverhead is the runtime
 * with one instance against it. --profile-overhead times the largest count with profiling at 1 s
 * intervals against without. Every run's metrics are checked identical to the kernel's.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTime } from '@splitsim/kernel';
import { instantiate, linear, type Plan } from '@splitsim/instantiation';
import { runParallel, completed, runSequential } from '@splitsim/runtime';
import config from '../configs/phold.ts';
import { benchArgs } from './args.ts';

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, {
    instances: '1,2,4', n: 1024, population: 16, remote: 0.1, lookahead: '10us', mean: '1us', until: '5ms',
    placement: 'thread', rounds: 2, seed: 1, 'profile-overhead': false, 'profile-dir': '', 'no-kernel': false,
  });
  const counts = o.instances.split(',').map(Number);
  if (counts.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--instances ${o.instances}: give positive whole numbers, e.g. 1,2,4`);
  if (o.placement !== 'thread' && o.placement !== 'process') throw new Error('--placement must be thread or process');
  const placement = o.placement;
  const until = parseTime(o.until, '--until');
  const params = config.params.parse({ n: o.n, population: o.population, remote: o.remote, lookahead: o.lookahead, meanDelay: o.mean });
  const plan = (k: number): Plan => {
    const system = config.system(params);
    return instantiate(system, { partition: linear(k) }, { config: 'phold', instantiation: `linear${k}`, seed: o.seed });
  };
  const say = (s: string) => process.stderr.write(s + '\n');

  let reference = '';
  const kernelRun = (): number => {
    const seq = completed(runSequential(plan(1), { until }));
    reference = JSON.stringify(seq.metrics);
    return seq.wallSeconds;
  };
  let kernelSeconds: number | null = null;
  const kernelRounds: number[] = [];

  const oneInstanceRounds: number[] = [];
  const time = async (k: number, profileNs = 0): Promise<{ seconds: number; events: number }> => {
    let best = Infinity;
    let events = 0;
    for (let r = 0; r < o.rounds; r++) {
      // The one-instance runs alternate with the kernel's, so neither gets the machine's better moments.
      if (k === 1 && profileNs === 0 && !o['no-kernel']) kernelRounds.push(kernelRun());
      const res = await runParallel(plan(k), { until, placement, profileNs, runDir: profileNs > 0 ? o['profile-dir'] || mkdtempSync(join(tmpdir(), 'splitsim-bench-')) : null });
      if (res.status !== 'completed') throw new Error(`linear${k}: ${res.status}: ${res.failure?.message ?? ''}`);
      if (reference && JSON.stringify(res.metrics) !== reference) throw new Error(`linear${k}: metrics differ from the kernel's`);
      best = Math.min(best, res.runSeconds);
      events = res.result.events;
      if (k === 1 && profileNs === 0) oneInstanceRounds.push(res.runSeconds);
    }
    return { seconds: best, events };
  };
  if (!o['no-kernel'] && !counts.includes(1)) for (let r = 0; r < o.rounds; r++) kernelRounds.push(kernelRun());

  const seconds: number[] = [];
  let events = 0;
  for (const k of [...counts].sort((a, b) => a - b)) {
    const t = await time(k);
    seconds[counts.indexOf(k)] = t.seconds;
    events = t.events;
    if (kernelRounds.length > 0 && kernelSeconds === null) {
      kernelSeconds = Math.min(...kernelRounds);
      say(`kernel (one engine, this thread): ${kernelSeconds.toFixed(3)} s`);
    }
    say(`${String(k).padStart(2)} instance(s) (${placement}): ${t.seconds.toFixed(3)} s, ${(t.events / t.seconds / 1e6).toFixed(2)} M events/s`);
  }
  if (kernelRounds.length > 0 && kernelSeconds === null) kernelSeconds = Math.min(...kernelRounds);
  const base = counts.includes(1) ? seconds[counts.indexOf(1)]! : null;
  const speedup = seconds.map((s) => (base === null ? null : base / s));
  const result: Record<string, unknown> = {
    bench: 'phold',
    instances: counts,
    seconds,
    speedup,
    eventsPerSec: seconds.map((s) => events / s),
    events,
    kernelSeconds,
    // Each one-instance round against the kernel round just before it (the machine drifts between
    // rounds more than the overhead): the median of those ratios.
    oneInstanceOverhead: oneInstanceRounds.length > 0 && kernelRounds.length === oneInstanceRounds.length ? median(oneInstanceRounds.map((t, i) => t / kernelRounds[i]!)) - 1 : null,
    kernelRounds,
    oneInstanceRounds,
    params: { n: o.n, population: o.population, remote: o.remote, lookahead: o.lookahead, meanDelay: o.mean, until: o.until, placement, seed: o.seed, rounds: o.rounds },
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
  };
  if (o['profile-overhead']) {
    // Rounds with and without profiling, alternated, compared pairwise like the overhead above.
    const k = counts[counts.length - 1]!;
    const pairs: Array<[number, number]> = [];
    const rounds = o.rounds;
    o.rounds = 1;
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so a drift of the machine favours neither.
      if (r % 2 === 0) pairs.push([(await time(k)).seconds, (await time(k, 1e9)).seconds]);
      else {
        const profiled = (await time(k, 1e9)).seconds;
        pairs.push([(await time(k)).seconds, profiled]);
      }
    }
    o.rounds = rounds;
    result.profileOverhead = median(pairs.map(([a, b]) => b / a)) - 1;
    result.profileRounds = pairs;
    say(`profiling every 1 s, ${k} instance(s): ${pairs.map(([a, b]) => `${b.toFixed(3)} s against ${a.toFixed(3)} s`).join('; ')}`);
  }
  say(`speedup: ${speedup.map((s, i) => `${counts[i]}: ${s === null ? '-' : s.toFixed(2)}×`).join(', ')}`);
  if (result.oneInstanceOverhead !== null) say(`one instance against the bare kernel: ${((result.oneInstanceOverhead as number) * 100).toFixed(1)} %`);
  if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
