import { Command } from 'commander';
import { registerRun } from './commands/run.ts';
import { reportError } from './errors.ts';
import { VERSION } from './version.ts';

/** The `splitsim` command: parses argv and runs the command it names; sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('splitsim')
    .description('SplitSim.ts: describe a system once, instantiate it many ways, run it in parallel, read the wait-time profile')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)');
  registerRun(program);
  (await import('./commands/plan.ts')).registerPlan(program);
  (await import('./commands/models.ts')).registerModels(program);
  (await import('./commands/profile.ts')).registerProfile(program);
  (await import('./commands/sweep.ts')).registerSweep(program);
  (await import('./commands/runner.ts')).registerRunner(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    reportError(err);
  }
}
