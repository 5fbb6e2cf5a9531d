import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MACHINE, loadMachine, measureCosts, ProfileError, rebalance, speedShortOf, type Machine, type Proposal } from '@splitsim/profiler';
import { options } from '../options.ts';

export interface RebalanceFlags {
  cores?: number;
  instances?: number;
  write?: string;
  machine?: string;
  placement?: 'thread' | 'process';
  idle?: boolean;
  warmup?: number;
  cooldown?: number;
  json?: boolean;
  quiet?: boolean;
}

export function registerRebalance(program: Command): void {
  const cmd = program
    .command('rebalance')
    .description('from a profiled run, propose the partition the cost model predicts fastest (balanced measured work, heavy links kept inside instances, no zero-latency or noCut link cut) and write it as a partition file')
    .argument('<run-dir>', 'run directory of a run started with --profile');
  for (const o of options('cores', 'instances', 'write', 'machine', 'placement', 'idle', 'warmup', 'cooldown', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  splitsim run configs/phold.ts --inst unbalanced4 --until 200us --profile 50ms --out runs/u4',
      '  splitsim rebalance runs/u4 --cores 4',
      '  splitsim run configs/phold.ts --inst unbalanced4 --until 200us --partition-file runs/u4/partition.json',
      '  splitsim rebalance runs/dc --instances 2 --write dc-2.json',
    ].join('\n'),
  );
  cmd.action(async (dir: string, flags: RebalanceFlags) => rebalanceCommand(dir, flags));
}

/** Prints the proposal and writes its file; exit code 2 with one line per problem for bad input. */
export async function rebalanceCommand(dir: string, flags: RebalanceFlags): Promise<void> {
  let proposal: Proposal;
  let file: string;
  try {
    if (!existsSync(dir)) throw new ProfileError([{ code: 'E_PROFILE_MISSING', file: dir, message: 'no such run directory' }]);
    const machine: Machine = flags.machine ? loadMachine(flags.machine) : DEFAULT_MACHINE;
    const costs = measureCosts(dir, {
      ...(flags.warmup !== undefined ? { warmup: flags.warmup } : {}),
      ...(flags.cooldown !== undefined ? { cooldown: flags.cooldown } : {}),
    });
    const cores = flags.cores ?? availableParallelism();
    const made = `splitsim rebalance ${dir} --cores ${cores}${flags.instances !== undefined ? ` --instances ${flags.instances}` : ''}`;
    proposal = rebalance(costs, { cores, machine, made, ...(flags.instances !== undefined ? { instances: flags.instances } : {}), ...(flags.placement ? { placement: flags.placement } : {}), ...(flags.idle ? { otherLoad: 0 } : {}) });
    file = flags.write ?? join(dir, 'partition.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, proposal.text);
  } catch (err) {
    if (!(err instanceof ProfileError)) throw err;
    process.stderr.write(`splitsim: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (flags.json) {
    const p = proposal.prediction;
    process.stdout.write(JSON.stringify({ file, measuredSpeed: proposal.measuredSpeed, currentPredicted: proposal.current.speed, predicted: p.speed, instances: proposal.candidate.groups.length, tried: proposal.tried, moves: proposal.moves, reasons: proposal.reasons }) + '\n');
    return;
  }
  if (flags.quiet) return;
  const config = proposal.file.system.config;
  const guess = existsSync(join('configs', `${config}.ts`)) ? join('configs', `${config}.ts`) : `<${config} config>`;
  const lines = [
    `rebalance ${dir}: ${proposal.candidate.groups.length} instance(s), predicted ${speedShortOf(proposal.prediction.speed)}`,
    ...proposal.reasons.map((r) => `  ${r}`),
    `  predicted by instance count: ${proposal.tried.map((t) => `${t.instances}: ${speedShortOf(t.speed)}`).join(', ')}`,
    `  wrote ${file}`,
    `  run it: splitsim run ${guess} --partition-file ${file} --until <time>   (profile it again with --profile)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
