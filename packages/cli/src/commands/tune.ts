import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MS, parseTime, SplitSimError } from '@splitsim/kernel';
import { DEFAULT_MACHINE, loadMachine, ProfileError } from '@splitsim/profiler';
import { defaultRunDirectory } from '@splitsim/runtime';
import { loadConfig, parseOverrides } from '../load-config.ts';
import { options } from '../options.ts';
import { fmt, tune, type TuneResult } from '../tune/search.ts';

export interface TuneFlags {
  inst?: string;
  budget?: string;
  cores?: number;
  until?: string;
  seed?: number;
  set?: string[];
  out?: string;
  machine?: string;
  profile?: string | boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerTune(program: Command): void {
  const cmd = program
    .command('tune')
    .description('search for a faster partition: short profiled runs of candidates (rebalance proposals, the bottleneck split, idle neighbours merged, other instance counts, threads against processes), each checked against the cost model; writes a table and the best partition file')
    .argument('<config>', 'config file, e.g. configs/datacenter.ts');
  for (const o of options('inst', 'budget', 'cores', 'until', 'seed', 'set', 'out', 'machine', 'profile', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    [
      '',
      '--until is the simulated time of each trial (default: the config\'s); --profile the interval of the trials\' profiles (default 100ms).',
      'The directory (--out, default runs/tune-<config>-<time>) gets a run directory per trial, tune.json and best-partition.json.',
      '',
      'Examples:',
      '  splitsim tune configs/datacenter.ts --inst s --set sendingShare=0.3 --until 4ms --budget 10min',
      '  splitsim tune configs/phold.ts --inst unbalanced4 --until 200us --budget 60s --cores 4',
      '  splitsim run configs/datacenter.ts --set sendingShare=0.3 --partition-file runs/tune-…/best-partition.json',
    ].join('\n'),
  );
  cmd.action(async (file: string, flags: TuneFlags) => tuneCommand(file, flags));
}

export async function tuneCommand(file: string, flags: TuneFlags): Promise<void> {
  if (flags.budget === undefined) throw new SplitSimError('E_CONFIG', '--budget: say how much wall-clock time tune may spend, e.g. --budget 10min', { field: '--budget' });
  const budgetMs = parseTime(flags.budget, '--budget') / MS;
  if (!(budgetMs >= 1000)) throw new SplitSimError('E_CONFIG', `--budget ${flags.budget}: give at least 1s`, { field: '--budget' });
  const profileMs = flags.profile === undefined || flags.profile === true ? 100 : flags.profile === false ? 100 : parseTime(flags.profile, '--profile') / MS;
  if (profileMs < 50) throw new SplitSimError('E_CONFIG', `--profile ${flags.profile}: the interval must be at least 50ms`, { field: '--profile' });
  let machine = DEFAULT_MACHINE;
  try {
    if (flags.machine) machine = loadMachine(flags.machine);
  } catch (err) {
    if (err instanceof ProfileError) throw new SplitSimError('E_CONFIG', `--machine ${err.message}`, { file: flags.machine });
    throw err;
  }
  const { config, params, catalog } = await loadConfig(file, parseOverrides(flags.set));
  const instName = flags.inst ?? config.defaultInstantiation;
  const build = config.instantiations[instName];
  if (!build) throw new SplitSimError('E_CONFIG', `${file}: no instantiation "${instName}" (available: ${Object.keys(config.instantiations).join(', ')})`, { file });
  const untilText = flags.until ?? config.run?.until;
  if (untilText === undefined) throw new SplitSimError('E_CONFIG', '--until: tune needs a simulated time for each trial', { field: '--until' });
  // Read before anything is said or written, like every other input.
  const until = parseTime(untilText, '--until');
  const system = config.system(params);
  const out = flags.out ?? defaultRunDirectory(`tune-${config.name}`);
  const say = flags.quiet || flags.json ? () => {} : (s: string) => process.stderr.write(s + '\n');
  const cores = flags.cores ?? availableParallelism();
  say(`tune ${config.name} from ${instName}: trials of ${untilText} simulated, budget ${flags.budget}, cost model for ${cores} core(s) (${machine.source}), writing ${out}`);
  const result = await tune({
    config, params, base: build(system, params), instName, seed: flags.seed ?? config.run?.seed ?? 1, until, budgetMs, cores, machine, out, profileNs: profileMs * 1e6, progress: say, catalog,
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify({ out, best: result.best, bestFile: result.bestFile, elapsedSeconds: result.elapsedSeconds, rows: result.rows }) + '\n');
    return;
  }
  if (!flags.quiet) process.stdout.write(tuneTable(result, out));
}

/** The table `splitsim tune` prints: one row per candidate, best first by measured speed. */
export function tuneTable(r: TuneResult, out: string): string {
  const rows = [...r.rows].sort((a, b) => (b.median ?? -1) - (a.median ?? -1) || a.id.localeCompare(b.id));
  const header = ['trial', 'candidate', 'instances', 'cores', 'placement', 'predicted', 'measured', 'runs', 'metrics', 'how'];
  const cells = rows.map((x) => [
    x.id, x.name, String(x.instances), String(x.cores), x.placement, x.predicted === null ? '-' : fmt(x.predicted), x.median === null ? '-' : fmt(x.median), String(x.measured.length),
    x.sameMetrics === null ? '-' : x.sameMetrics ? 'same' : 'DIFFER', x.how + (x.note ? ` [${x.note}]` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const right = new Set([2, 3, 5, 6, 7]);
  const line = (c: string[]) => '  ' + c.map((v, i) => (i === c.length - 1 ? v : right.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  const lines = [`tune: ${r.rows.length} candidate(s) in ${r.elapsedSeconds.toFixed(0)} s; predicted and measured in simulated time per wall second (measured: median over runs)`, line(header), ...cells.map(line)];
  if (r.best) lines.push('', `best: ${r.best.name} (${r.best.id}), ${fmt(r.best.median!)}; partition file ${r.bestFile}`, `  run it: splitsim run <config> --partition-file ${r.bestFile}`);
  lines.push(`  table: ${join(out, 'tune.json')}`);
  return lines.join('\n') + '\n';
}
