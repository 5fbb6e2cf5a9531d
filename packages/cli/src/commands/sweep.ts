import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SplitSimError } from '@splitsim/kernel';
import {
  aggregate, batchProgress, showNumber, defaultRunDirectory, progressMode, ProgressSink, parseGrid, RunDirectory, replicationSeeds, runBatch, runSweep, sweepCsv, writeReplicationsReport, writeSweepReport, csvFieldOf, type BatchProgress, type ReplicationTask,
} from '@splitsim/runtime';
import { loadConfig, parseOverrides } from '../load-config.ts';
import { options } from '../options.ts';

export interface SweepFlags {
  inst?: string;
  until?: string;
  seed?: number;
  set?: string[];
  grid?: string[];
  replications?: number;
  workers?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  shard?: string;
  merge?: string[];
}

export function registerSweep(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('run a config over a grid of parameters (each point with replications if asked) on a worker pool, and write one CSV row per point')
    .argument('[config]', 'config file, e.g. configs/hyperscale-lb.ts (not with --merge)');
  for (const o of options('grid', 'replications', 'workers', 'inst', 'until', 'seed', 'set', 'shard', 'merge', 'out', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    [
      '',
      'Each point runs with seeds seed, seed + 1, … (one per replication); columns hold each summary figure',
      'of the config: its mean over the replications, the 95 % half-width and the theory value where there is one.',
      '',
      'Examples:',
      '  splitsim sweep configs/mmc.ts --grid lambda=50,70,90 --replications 5 --out runs/mmc-sweep.csv',
      '  splitsim sweep configs/hyperscale-lb.ts --grid policy=push,pull --grid n=100,1000 --set jobsPerServer=200',
      '',
      'Across machines: each runs one shard of the grid (every N-th point) into a JSON file, then --merge joins',
      'them into the CSV the whole sweep would have written:',
      '  splitsim sweep configs/mmc.ts --grid lambda=50,70,90 --shard 1/2 --out s1.json   (and --shard 2/2 --out s2.json)',
      '  splitsim sweep --merge s1.json s2.json --out mmc-sweep.csv',
      '  (in a Kubernetes Indexed Job: --shard /N takes the shard from JOB_COMPLETION_INDEX)',
    ].join('\n'),
  );
  cmd.action(async (file: string | undefined, flags: SweepFlags) => {
    if (flags.merge !== undefined) {
      if (file !== undefined) throw new SplitSimError('E_CONFIG', `sweep --merge joins shard files; it takes no config (got ${file})`, { field: '--merge' });
      return (await import('./sweep-shards.ts')).mergeCommand(flags.merge, flags.out, flags.quiet === true || flags.json === true);
    }
    if (file === undefined) throw new SplitSimError('E_CONFIG', 'sweep: name the config file (or --merge shard files)', { field: 'config' });
    return sweepCommand(file, flags);
  });
}

/** Runs done, wall time, time left: a live line on a terminal, JSON lines otherwise (progress.ts). */
function progressWriter(flags: { quiet?: boolean | undefined; json?: boolean | undefined }): ((p: BatchProgress) => void) | undefined {
  const sink = new ProgressSink({ mode: progressMode(flags) });
  return sink.mode === 'none' ? undefined : batchProgress(sink);
}

export async function sweepCommand(file: string, flags: SweepFlags): Promise<void> {
  const overrides = parseOverrides(flags.set);
  const { config } = await loadConfig(file, overrides);
  const axes = parseGrid(flags.grid ?? []);
  if (axes.length === 0) throw new SplitSimError('E_CONFIG', 'sweep: give at least one --grid key=v1,v2', { field: '--grid' });
  const replications = flags.replications ?? 1;
  const seed = flags.seed ?? config.run?.seed ?? 1;
  const progress = progressWriter(flags);
  const sweep: Parameters<typeof runSweep>[0] = { file: resolve(file), overrides, axes, replications, seed };
  if (flags.inst !== undefined) sweep.inst = flags.inst;
  if (flags.until !== undefined) sweep.until = flags.until;
  if (flags.workers !== undefined) sweep.workers = flags.workers;
  if (progress) sweep.progress = progress;
  const shards = flags.shard !== undefined ? await import('./sweep-shards.ts') : null;
  const shard = shards?.shardOf(flags.shard);
  if (shard) sweep.shard = shard;
  // A shard file's name is checked before the shard runs, not after.
  const shardFile = shard ? shards!.shardPath(flags.out, config.name, shard) : null;
  const points = await runSweep(sweep);
  if (shards && shard && shardFile !== null) {
    const identity = { config: config.name, axes, overrides, replications, seed, inst: flags.inst ?? null, until: flags.until ?? null };
    const written = shards.writeShard(shardFile, identity, axes, shard, points);
    if (flags.json) process.stdout.write(JSON.stringify({ shard: written, points: points.length }) + '\n');
    else if (!flags.quiet) process.stdout.write(`${config.name} sweep: shard ${shard.index + 1} of ${shard.count}, ${points.length} points × ${replications} run(s)\n  shard ${written}\n`);
    return;
  }
  const out = flags.out ?? `${defaultRunDirectory(`${config.name}-sweep`)}.csv`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, sweepCsv(axes, points));
  // The report beside the CSV: each figure against the swept parameters, with its interval.
  const report = `${out.replace(/\.csv$/, '')}.html`;
  writeSweepReport(report, { config: config.name, instantiation: flags.inst ?? config.defaultInstantiation, axes, points, replications, seed, csv: basename(out) });
  if (flags.json) process.stdout.write(JSON.stringify({ csv: out, report, points: points.map((p) => ({ params: p.params, figures: p.aggregate.figures })) }) + '\n');
  else if (!flags.quiet) process.stdout.write(`${config.name} sweep: ${points.length} points × ${replications} run(s)\n  csv ${out}\n  report ${report}\n`);
}

/** `splitsim run … --replications N`: N seeds in parallel, mean and 95 % interval per figure and statistic. */
export async function replicationsCommand(file: string, flags: SweepFlags & { maxEvents?: number; force?: boolean }): Promise<void> {
  // --out first, as for one run: a directory the runs could not write to is refused before they start.
  const claimed = flags.out !== undefined ? RunDirectory.claim(flags.out, flags.force === true) : null;
  try {
    await replications(file, flags);
  } catch (err) {
    claimed?.abandon();
    throw err;
  }
  claimed?.release();
}

async function replications(file: string, flags: SweepFlags & { maxEvents?: number }): Promise<void> {
  const loaded = await loadConfig(file, parseOverrides(flags.set));
  const { config } = loaded;
  const n = flags.replications ?? 1;
  const seed = flags.seed ?? config.run?.seed ?? 1;
  const tasks: ReplicationTask[] = replicationSeeds(seed, n).map((s, i) => {
    const t: ReplicationTask = { file: resolve(file), overrides: parseOverrides(flags.set), seed: s };
    if (flags.inst !== undefined) t.inst = flags.inst;
    if (flags.until !== undefined) t.until = flags.until;
    if (flags.maxEvents !== undefined) t.maxEvents = flags.maxEvents;
    if (i === 0) t.keepMetrics = true; // the report plots the first run's probes
    return t;
  });
  const say = flags.quiet || flags.json ? () => {} : (s: string) => process.stderr.write(s);
  say(`running ${config.name}: ${n} replications (seeds ${seed}…${seed + n - 1})\n`);
  const batch: Parameters<typeof runBatch>[1] = {};
  if (flags.workers !== undefined) batch.workers = flags.workers;
  const progress = progressWriter(flags);
  if (progress) batch.progress = progress;
  const runs = await runBatch(tasks, batch);
  const agg = aggregate(runs);
  const dir = flags.out ?? defaultRunDirectory(`${config.name}-replications`);
  mkdirSync(dir, { recursive: true });
  const perRun = runs.map(({ seed: s, figures, events, simulatedTime, wallSeconds }) => ({ seed: s, figures, events, simulatedTime, wallSeconds }));
  writeFileSync(join(dir, 'replications.json'), JSON.stringify({ config: config.name, instantiation: flags.inst ?? config.defaultInstantiation, seeds: runs.map((r) => r.seed), figures: agg.figures, statistics: agg.values, runs: perRun }, null, 1) + '\n');
  const rows = ['metric,unit,n,mean,ci95,min,max,expected'];
  for (const f of agg.figures) rows.push([csvFieldOf(f.name), csvFieldOf(f.unit ?? ''), f.n, f.mean, f.ci95, f.min, f.max, f.expected ?? ''].join(','));
  // Statistics as metrics.json holds them: times in ps.
  for (const [k, e] of Object.entries(agg.values)) rows.push([csvFieldOf(k), '', e.n, e.mean, e.ci95, e.min, e.max, ''].join(','));
  writeFileSync(join(dir, 'replications.csv'), rows.join('\n') + '\n');
  const instantiation = flags.inst ?? config.defaultInstantiation;
  writeReplicationsReport(dir, { config: config.name, instantiation, runs, aggregate: agg, params: loaded.params, catalog: loaded.catalog });
  if (flags.json) {
    process.stdout.write(JSON.stringify({ dir, config: config.name, replications: n, figures: agg.figures }) + '\n');
    return;
  }
  if (flags.quiet) return;
  const lines = [`${config.name}: ${n} replications, mean ± 95 % half-width`];
  for (const f of agg.figures) {
    const unit = f.unit ? ` ${f.unit}` : '';
    const theory = f.expected === undefined ? '' : `   theory ${fmt(f.expected)}${unit}, error ${(((f.mean - f.expected) / f.expected) * 100).toFixed(2)} %`;
    lines.push(`  ${f.name}: ${fmt(f.mean)} ± ${fmt(f.ci95)}${unit}${theory}`);
  }
  lines.push(`  run directory ${dir}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function fmt(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en') : showNumber(x, 6);
}
