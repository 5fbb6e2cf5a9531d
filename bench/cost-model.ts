/**
 * `npm run bench -- cost-model [--config datacenter,phold] [--dc-until 2ms] [--phold-until 200us] [--fit] [--json]`
 *
 * Checks the cost model (profiler/src/cost-model.ts) against measured speed on this machine: every
 * instantiation of the datacenter (1200 hosts, 30 % sending) and every PHOLD `linearN` (plus
 * `unbalanced4`; n = 64, population 500) runs once, profiled (100 ms lines); its measured speed is
 * the profiler's (simulated time per wall second over the trimmed window). Each is predicted
 * from the profile of the one-instance run (`s`, `linear1`), as `tune` predicts from its start,
 * and from its own profile. Error = predicted / measured - 1. With --fit, the three fitted machine
 * figures (burst, switchNs, parallelInflation) and windowNs are chosen on a grid to minimise the
 * mean |log(predicted / measured)| of both predictions, also fitted on one config and
 * checked on the other; --write-machine <file> writes the fitted figures for `--machine`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTime } from '@splitsim/kernel';
import { instantiate, type Config } from '@splitsim/instantiation';
import { currentCandidate, DEFAULT_MACHINE, measureCosts, predict, type Machine, type RunCosts } from '@splitsim/profiler';
import { runParallel, writeRunDirectory } from '@splitsim/runtime';
import datacenter from '../configs/datacenter.ts';
import phold from '../configs/phold.ts';
import { benchArgs } from './args.ts';

interface Measured {
  config: string;
  inst: string;
  instances: number;
  measured: number;
  costs: RunCosts;
}

async function profileOne(config: Config, params: Record<string, unknown>, inst: string, until: number, dir: string): Promise<Measured> {
  const system = config.system(params);
  const plan = instantiate(system, config.instantiations[inst]!(system, params), { config: config.name, instantiation: inst, seed: 1 });
  const r = await runParallel(plan, { until, runDir: dir, profileNs: 100e6 });
  if (r.status !== 'completed') throw new Error(`${config.name}/${inst}: ${r.status} ${r.failure?.message ?? ''}`);
  writeRunDirectory(dir, { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: r.status, log: r.log });
  const costs = measureCosts(dir);
  return { config: config.name, inst, instances: plan.instances.length, measured: costs.measuredSpeed, costs };
}

/** Predicted speed of `m`'s partition from `base`'s costs. */
const fromBase = (base: RunCosts, m: Measured, machine: Machine, cores: number) => predict(base, currentCandidate(m.costs), machine, cores).speed;
/** From its own profile; where that cannot tell the other programs' load (more instances than cores), the base profile's, as tune does. */
const fromSelf = (m: Measured, machine: Machine, cores: number, base?: RunCosts) =>
  predict(m.costs, currentCandidate(m.costs), machine, cores, m.costs.otherLoad === null && base?.otherLoad != null ? { otherLoad: base.otherLoad } : {}).speed;
const logErr = (p: number, m: number) => Math.abs(Math.log(p / m));

function fit(sets: Array<{ base: RunCosts; runs: Measured[] }>, cores: number): Machine {
  let best = DEFAULT_MACHINE;
  let bestErr = Infinity;
  for (const burst of [0, 1, 2, 4, 8, 16, 32, 64])
    for (const switchNs of [10e3, 20e3, 50e3, 100e3, 200e3, 400e3, 800e3, 1.6e6])
      for (const parallelInflation of [1, 1.1, 1.2, 1.3, 1.5, 1.7, 2])
        for (const windowNs of [250, 500, 1000, 2000, 4000, 8000, 16000]) {
          const m: Machine = { ...DEFAULT_MACHINE, burst, switchNs, parallelInflation, windowNs, source: 'fitted' };
          let err = 0;
          let n = 0;
          // Both uses count: tune prices candidates from a start profile and from their own.
          for (const s of sets) for (const r of s.runs) (err += logErr(fromBase(s.base, r, m, cores), r.measured) + logErr(fromSelf(r, m, cores, s.base), r.measured), n += 2);
          if (err / n < bestErr) {
            bestErr = err / n;
            best = m;
          }
        }
  return best;
}

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { config: 'datacenter,phold', 'dc-until': '2ms', 'phold-until': '200us', fit: false, cores: 0, 'write-machine': '' });
  const scratch = mkdtempSync(join(tmpdir(), 'splitsim-cost-model-'));
  const say = (s: string) => process.stderr.write(s + '\n');
  const cores = o.cores || (await import('node:os')).availableParallelism();
  const sets: Array<{ config: string; base: RunCosts; runs: Measured[] }> = [];
  try {
    for (const name of o.config.split(',')) {
      const runs: Measured[] = [];
      const [config, params, insts, until] =
        name === 'datacenter'
          ? [datacenter as unknown as Config, datacenter.params.parse({ sendingShare: 0.3 }), ['s', 'halves', 'ab', 'ac', 'cr6', 'cr3', 'auto8', 'custom', 'cr', 'rs'], parseTime(o['dc-until'], '--dc-until')] as const
          : [phold as unknown as Config, phold.params.parse({ population: 500 }), ['linear1', 'linear2', 'linear4', 'linear8', 'linear16', 'unbalanced4'], parseTime(o['phold-until'], '--phold-until')] as const;
      for (const inst of insts) {
        const m = await profileOne(config, params as Record<string, unknown>, inst, until, join(scratch, `${name}-${inst}`));
        runs.push(m);
        say(`${name}/${inst}: ${m.instances} instance(s), measured ${(m.measured * 1e3).toFixed(4)} ms/s, other threads ${m.costs.otherLoad?.toFixed(1) ?? '?'} (load ${loadavg()[0]!.toFixed(1)})`);
      }
      sets.push({ config: name, base: runs[0]!.costs, runs });
    }
    const machine = o.fit ? fit(sets, cores) : DEFAULT_MACHINE;
    if (o.fit && o['write-machine']) {
      const { source: _, ...fields } = machine;
      (await import('node:fs')).writeFileSync(o['write-machine'], JSON.stringify({ source: `npm run bench -- cost-model --fit, ${new Date().toISOString()}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`, ...fields }, null, 2) + '\n');
      say(`wrote ${o['write-machine']} (use it with --machine)`);
    }
    const rows = sets.flatMap((s) => s.runs.map((r) => {
      const base = fromBase(s.base, r, machine, cores);
      const self = fromSelf(r, machine, cores, s.base);
      return { config: s.config, inst: r.inst, instances: r.instances, measured: r.measured, predicted: base, error: base / r.measured - 1, predictedSelf: self, errorSelf: self / r.measured - 1 };
    }));
    say(`cost model on ${cores} cores, machine: ${JSON.stringify({ burst: machine.burst, switchNs: machine.switchNs, parallelInflation: machine.parallelInflation, windowNs: machine.windowNs })}`);
    say('config      inst         k   measured ms/s  predicted (one profile)  error   predicted (own profile)  error');
    for (const r of rows) {
      say(`${r.config.padEnd(11)} ${r.inst.padEnd(11)} ${String(r.instances).padStart(2)}  ${(r.measured * 1e3).toFixed(4).padStart(12)}  ${(r.predicted * 1e3).toFixed(4).padStart(22)}  ${(r.error * 100).toFixed(0).padStart(5)} %  ${(r.predictedSelf * 1e3).toFixed(4).padStart(22)}  ${(r.errorSelf * 100).toFixed(0).padStart(5)} %`);
    }
    const summary: Record<string, unknown> = {};
    for (const s of sets) {
      const rs = rows.filter((r) => r.config === s.config);
      summary[s.config] = { meanAbsError: rs.reduce((t, r) => t + Math.abs(r.error), 0) / rs.length, meanAbsErrorSelf: rs.reduce((t, r) => t + Math.abs(r.errorSelf), 0) / rs.length };
    }
    if (o.fit && sets.length === 2) {
      // Fitted on one config, checked on the other.
      for (const [train, test] of [[0, 1], [1, 0]] as const) {
        const m = fit([sets[train]!], cores);
        const err = sets[test]!.runs.reduce((t, r) => t + Math.abs(fromBase(sets[test]!.base, r, m, cores) / r.measured - 1), 0) / sets[test]!.runs.length;
        summary[`fitOn_${sets[train]!.config}_meanAbsErrorOn_${sets[test]!.config}`] = err;
      }
    }
    say(JSON.stringify(summary));
    if (o.json) console.log(JSON.stringify({ bench: 'cost-model', cores, machine, rows, summary }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
