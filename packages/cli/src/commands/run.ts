import type { Command } from 'commander';
import { formatTime, parseTime, SplitSimError, toSeconds } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { defaultRunDirectory, runSequential, writeRunDirectory } from '@splitsim/runtime';
import { loadConfig, parseOverrides } from '../load-config.ts';
import { options } from '../options.ts';

export interface RunFlags {
  inst?: string;
  until?: string;
  maxEvents?: number;
  seed?: number;
  set?: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a config\'s instantiation and write a run directory (plan.json, metrics.json, run.json, run.log)')
    .argument('<config>', 'config file, e.g. configs/mmc.ts');
  for (const o of options('inst', 'until', 'maxEvents', 'seed', 'set', 'out', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText('after', '\nExamples:\n  splitsim run configs/mmc.ts\n  splitsim run configs/mmc.ts --set lambda=95 --set jobs=1000000 --seed 7 --out runs/mmc95\n  splitsim run configs/mmc.ts --until 100s --json');
  cmd.action(async (file: string, flags: RunFlags) => runCommand(file, flags));
}

export async function runCommand(file: string, flags: RunFlags): Promise<void> {
  const { config, params } = await loadConfig(file, parseOverrides(flags.set));
  const instName = flags.inst ?? config.defaultInstantiation;
  const build = config.instantiations[instName];
  if (!build) {
    throw new SplitSimError('E_CONFIG', `${file}: no instantiation "${instName}" (available: ${Object.keys(config.instantiations).join(', ')})`, { file });
  }
  const seed = flags.seed ?? config.run?.seed ?? 1;
  const untilText = flags.until ?? config.run?.until;
  const until = untilText === undefined ? undefined : parseTime(untilText, '--until');
  const system = config.system(params);
  const plan = instantiate(system, build(system, params), { config: config.name, instantiation: instName, seed });
  const dir = flags.out ?? defaultRunDirectory(config.name);
  const log: string[] = [];
  const say = flags.quiet || flags.json ? () => {} : (s: string) => process.stderr.write(s);
  say(`running ${config.name}/${instName}: ${plan.components.length} components, ${plan.instances.length} instance(s), seed ${seed}\n`);
  const seqOptions: Parameters<typeof runSequential>[1] = {
    log: (line) => log.push(line),
    progress: (now, events, wall) => say(`  ${formatTime(now)} simulated, ${events.toLocaleString('en')} events, ${wall.toFixed(0)} s\n`),
  };
  if (until !== undefined) seqOptions.until = until;
  if (flags.maxEvents !== undefined) seqOptions.maxEvents = flags.maxEvents;
  const { result, metrics, wallSeconds } = runSequential(plan, seqOptions);
  writeRunDirectory(dir, { plan, result, metrics, wallSeconds, status: 'completed', log });
  const figures = config.summary ? config.summary(metrics, params) : [];
  if (flags.json) {
    process.stdout.write(JSON.stringify({ dir, config: config.name, instantiation: instName, seed, result, wallSeconds, eventsPerSecond: result.events / wallSeconds, figures }) + '\n');
    return;
  }
  if (flags.quiet) return;
  const lines = [
    `${config.name}/${instName}: ${result.reason === 'until' ? 'reached the end time' : result.reason === 'empty' ? 'no events left' : result.reason === 'stopped' ? result.message : 'event limit reached'}`,
    `  simulated   ${formatTime(result.now)} (${toSeconds(result.now).toPrecision(6)} s)`,
    `  events      ${result.events.toLocaleString('en')} in ${wallSeconds.toFixed(3)} s wall (${(result.events / wallSeconds / 1e6).toFixed(2)} M/s)`,
  ];
  for (const f of figures) {
    const unit = f.unit ? ` ${f.unit}` : '';
    const expected = f.expected === undefined ? '' : `   theory ${fmt(f.expected)}${unit}, error ${(((f.value - f.expected) / f.expected) * 100).toFixed(2)} %`;
    lines.push(`  ${f.name.padEnd(14)}${fmt(f.value)}${unit}${expected}`);
  }
  lines.push(`  run directory ${dir}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function fmt(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en') : x.toPrecision(6);
}
