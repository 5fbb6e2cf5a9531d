/**
 * `npm run bench -- tune [--duration 4ms] [--budget 10min] [--sending 0.3] [--rounds 3] [--hand s,ab,ac,cr,cr3,cr6,rs,halves]
 *   [--phold true] [--json]`
 *
 * Issue 17's comparison, in one run on this machine:
 * 1. every hand-made datacenter instantiation (1200 hosts, 30 % sending) runs --duration simulated,
 *    unprofiled: `s` in this thread (as `splitsim run` runs one instance), the others in worker
 *    threads; speed = simulated time / wall time of the run (start-up excluded);
 * 2. `tune` (packages/cli/src/tune) searches from `s` for --budget, with trials of --duration;
 * 3. `s`, the best hand-made instantiation and the tuned partition run again in turn, --rounds
 *    times (A B C A B C …: drift of the machine hits all alike); figures are medians; the tuned
 *    run's metrics.json must equal `s`'s byte for byte;
 * 4. with --phold: PHOLD `unbalanced4` (n = 64, population 500) profiled once, `rebalance` for this
 *    machine's cores, then the proposal and every `linearN` in turn, --rounds times.
 * Ends with one JSON line: sPerWall, bestHandMade, bestHandMadePerWall, tunedPerWall,
 * tunedInstances (simulated seconds per wall second), and the rest.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MS, parseTime, toSeconds } from '@splitsim/kernel';
import { instantiate, partitionFromFile, readPartitionFile, type Config, type Instantiation } from '@splitsim/instantiation';
import { DEFAULT_MACHINE, measureCosts, rebalance } from '@splitsim/profiler';
import { runParallel, runSequential, writeRunDirectory } from '@splitsim/runtime';
import { tune } from '../packages/cli/src/tune/search.ts';
import datacenter from '../configs/datacenter.ts';
import phold from '../configs/phold.ts';
import { benchArgs } from './args.ts';

const say = (s: string) => process.stderr.write(s + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const load = () => loadavg().map((x) => +x.toFixed(2));

/** One unprofiled run; speed in simulated seconds per wall second; metrics.json written to `dir` when given. */
async function measure(config: Config, params: Record<string, unknown>, name: string, inst: Instantiation, until: number, dir?: string): Promise<{ speed: number; instances: number; metrics: string }> {
  const system = config.system(params);
  const plan = instantiate(system, inst, { config: config.name, instantiation: name, seed: 1 });
  if (plan.instances.length === 1) {
    const r = runSequential(plan, { until });
    if (dir) writeRunDirectory(dir, { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: 'completed', log: [] });
    return { speed: toSeconds(r.result.now) / r.wallSeconds, instances: 1, metrics: dir ? readFileSync(join(dir, 'metrics.json'), 'utf8') : JSON.stringify(r.metrics) };
  }
  const r = await runParallel(plan, { until });
  if (r.status !== 'completed') throw new Error(`${name}: ${r.status} ${r.failure?.message ?? ''}`);
  if (dir) writeRunDirectory(dir, { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: r.status, log: r.log });
  return { speed: toSeconds(r.result.now) / r.runSeconds, instances: plan.instances.length, metrics: dir ? readFileSync(join(dir, 'metrics.json'), 'utf8') : JSON.stringify(r.metrics) };
}

const fromFile = (base: Instantiation, file: string): Instantiation => ({ ...base, ...partitionFromFile(readPartitionFile(file), file) });

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { duration: '4ms', budget: '10min', sending: 0.3, rounds: 3, hand: 's,ab,ac,cr,cr3,cr6,rs,halves', phold: 'true', 'phold-until': '300us', cores: 0 });
  const until = parseTime(o.duration, '--duration');
  const cores = o.cores || availableParallelism();
  const scratch = mkdtempSync(join(tmpdir(), 'splitsim-bench-tune-'));
  const dc = datacenter as unknown as Config;
  const params = datacenter.params.parse({ sendingShare: o.sending }) as Record<string, unknown>;
  const system = dc.system(params);
  const instOf = (name: string) => dc.instantiations[name]!(system, params);
  const started = new Date().toISOString();
  const loads: Record<string, number[]> = { start: load() };
  try {
    // 1. Hand-made instantiations.
    const hand: Record<string, { speed: number; instances: number }> = {};
    for (const name of o.hand.split(',')) {
      const m = await measure(dc, params, name, instOf(name), until);
      hand[name] = { speed: m.speed, instances: m.instances };
      say(`hand-made ${name}: ${m.instances} instance(s), ${(m.speed * 1e3).toFixed(3)} ms/s (load ${load().join(' ')})`);
    }
    const bestName = Object.entries(hand).filter(([n]) => n !== 's').sort((a, b) => b[1].speed - a[1].speed)[0]![0];
    loads.afterHandMade = load();

    // 2. tune from s.
    const out = join(scratch, 'tune');
    const result = await tune({
      config: dc, params, base: instOf('s'), instName: 's', seed: 1, until, budgetMs: parseTime(o.budget, '--budget') / MS, cores, machine: DEFAULT_MACHINE, out, profileNs: 100e6, progress: say,
    });
    loads.afterTune = load();
    if (!result.bestFile || !result.best) throw new Error('tune found nothing it could measure');
    say(`tune: best ${result.best.name} (${result.best.instances} instance(s)), ${result.rows.length} candidates in ${result.elapsedSeconds.toFixed(0)} s`);

    // 3. s, the best hand-made and the tuned partition, in turn.
    const speeds: Record<string, number[]> = { s: [], [bestName]: [], tuned: [] };
    let sMetrics = '';
    let tunedMetrics = '';
    let tunedInstances = 0;
    for (let r = 0; r < o.rounds; r++) {
      const s = await measure(dc, params, 's', instOf('s'), until, join(scratch, `s-${r}`));
      const h = await measure(dc, params, bestName, instOf(bestName), until);
      const t = await measure(dc, params, 'tuned', fromFile(instOf('s'), result.bestFile), until, join(scratch, `tuned-${r}`));
      speeds.s!.push(s.speed);
      speeds[bestName]!.push(h.speed);
      speeds.tuned!.push(t.speed);
      sMetrics ||= s.metrics;
      tunedMetrics = t.metrics;
      tunedInstances = t.instances;
      say(`round ${r + 1}: s ${(s.speed * 1e3).toFixed(3)}, ${bestName} ${(h.speed * 1e3).toFixed(3)}, tuned ${(t.speed * 1e3).toFixed(3)} ms/s (load ${load().join(' ')})`);
    }
    loads.afterFinal = load();

    // 4. PHOLD unbalanced4: rebalance from one profile against every linearN.
    let pholdResult: Record<string, unknown> | null = null;
    if (o.phold === 'true') {
      const pc = phold as unknown as Config;
      const pp = phold.params.parse({ population: 500 }) as Record<string, unknown>;
      const psys = pc.system(pp);
      const pUntil = parseTime(o['phold-until'], '--phold-until');
      const dir = join(scratch, 'u4');
      const plan = instantiate(psys, pc.instantiations.unbalanced4!(psys, pp), { config: 'phold', instantiation: 'unbalanced4', seed: 1 });
      const pr = await runParallel(plan, { until: pUntil, runDir: dir, profileNs: 100e6 });
      writeRunDirectory(dir, { plan, result: pr.result, metrics: pr.metrics, wallSeconds: pr.wallSeconds, status: pr.status, log: pr.log });
      const proposal = rebalance(measureCosts(dir), { cores, machine: DEFAULT_MACHINE });
      const file = join(scratch, 'u4-partition.json');
      (await import('node:fs')).writeFileSync(file, proposal.text);
      const names = ['unbalanced4', 'linear1', 'linear2', 'linear4', 'linear8', 'linear16', 'rebalanced'];
      const ps: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      for (let r = 0; r < o.rounds; r++) {
        for (const n of names) {
          const inst = n === 'rebalanced' ? fromFile(pc.instantiations.unbalanced4!(psys, pp), file) : pc.instantiations[n]!(psys, pp);
          ps[n]!.push((await measure(pc, pp, n, inst, pUntil)).speed);
        }
      }
      const med = Object.fromEntries(names.map((n) => [n, median(ps[n]!)]));
      const bestLinear = names.filter((n) => n.startsWith('linear')).sort((a, b) => med[b]! - med[a]!)[0]!;
      pholdResult = { rebalancedInstances: proposal.candidate.groups.length, predicted: proposal.prediction.speed, medians: med, runs: ps, bestLinear, rebalancedVsBestLinear: med.rebalanced! / med[bestLinear]! };
      say(`phold: rebalanced (${proposal.candidate.groups.length} instances) ${(med.rebalanced! * 1e3).toFixed(3)} ms/s, best linear ${bestLinear} ${(med[bestLinear]! * 1e3).toFixed(3)} ms/s: ${(med.rebalanced! / med[bestLinear]!).toFixed(2)}`);
      loads.end = load();
    }

    const summary = {
      bench: 'tune',
      started,
      machine: `${cores} cores`,
      duration: o.duration,
      budget: o.budget,
      sending: o.sending,
      sPerWall: median(speeds.s!),
      bestHandMade: bestName,
      bestHandMadePerWall: median(speeds[bestName]!),
      tunedPerWall: median(speeds.tuned!),
      tunedInstances,
      tunedVsS: median(speeds.tuned!) / median(speeds.s!),
      tunedVsBestHandMade: median(speeds.tuned!) / median(speeds[bestName]!),
      metricsIdentical: tunedMetrics === sMetrics,
      rounds: speeds,
      handMade: hand,
      tuned: { file: result.bestDoc, trials: result.rows.map((r) => ({ id: r.id, name: r.name, how: r.how, instances: r.instances, placement: r.placement, predicted: r.predicted, measured: r.measured, sameMetrics: r.sameMetrics })) },
      phold: pholdResult,
      loadavg: loads,
    };
    say(`s ${(summary.sPerWall * 1e3).toFixed(3)} ms/s, ${bestName} ${(summary.bestHandMadePerWall * 1e3).toFixed(3)}, tuned ${(summary.tunedPerWall * 1e3).toFixed(3)} (${tunedInstances} instances): ${summary.tunedVsS.toFixed(2)}× s; metrics identical: ${summary.metricsIdentical}`);
    if (o.json) console.log(JSON.stringify(summary));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
