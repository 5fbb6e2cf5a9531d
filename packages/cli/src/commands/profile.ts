import type { Command } from 'commander';
import { ProfileError, profileRun, summaryText } from '@splitsim/profiler';
import { options } from '../options.ts';

export interface ProfileFlags {
  warmup?: number;
  cooldown?: number;
  json?: boolean;
  quiet?: boolean;
}

export function registerProfile(program: Command): void {
  const cmd = program
    .command('profile')
    .description('read the profile logs of a run directory: simulation speed, efficiency per instance, the wait-time profile graph (wtpg.json, .dot, .svg, .html) and the bottleneck')
    .argument('<run-dir>', 'run directory of a run started with --profile');
  for (const o of options('warmup', 'cooldown', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText('after', '\nExamples:\n  splitsim profile runs/phold-20250101-120000\n  splitsim profile runs/dc --warmup 3 --cooldown 2\n  splitsim profile runs/dc --json');
  cmd.action(async (dir: string, flags: ProfileFlags) => profileCommand(dir, flags));
}

export async function profileCommand(dir: string, flags: ProfileFlags): Promise<void> {
  let summary;
  try {
    summary = await profileRun(dir, {
      ...(flags.warmup !== undefined ? { warmup: flags.warmup } : {}),
      ...(flags.cooldown !== undefined ? { cooldown: flags.cooldown } : {}),
    });
  } catch (err) {
    // The profiler has its own typed errors (it imports nothing from the kernel); they name the
    // file and line of the bad log already, so they print like the CLI's own errors.
    if (!(err instanceof ProfileError)) throw err;
    process.stderr.write(`splitsim: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
    return;
  }
  if (!flags.quiet) process.stdout.write(summaryText(summary));
}
