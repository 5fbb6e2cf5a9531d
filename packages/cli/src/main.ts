import { Command } from 'commander';
import { SplitSimError } from '@splitsim/kernel';
import { registerRun } from './commands/run.ts';

const program = new Command('splitsim')
  .description('SplitSim.ts: describe a system once, instantiate it many ways, run it in parallel, read the wait-time profile')
  .showHelpAfterError('(run with --help for usage)')
  // A bad option value or a missing argument is bad input: exit code 2, like every other (help: 0).
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
registerRun(program);
(await import('./commands/plan.ts')).registerPlan(program);
(await import('./commands/profile.ts')).registerProfile(program);
(await import('./commands/sweep.ts')).registerSweep(program);
(await import('./commands/rebalance.ts')).registerRebalance(program);
(await import('./commands/tune.ts')).registerTune(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors of ours name the file, component, port or field already: no stack trace for them.
  if (err instanceof SplitSimError) {
    process.stderr.write(`splitsim: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`splitsim: internal error: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  }
}
