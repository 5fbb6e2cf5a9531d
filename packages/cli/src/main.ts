import { Command, CommanderError } from 'commander';
import { registerRun } from './commands/run.ts';
import { reportError, reportUsageError } from './errors.ts';
import { VERSION } from './version.ts';

/** The `splitsim` command: parses argv and runs the command it names; sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipes();
  const program = new Command('splitsim')
    .description('SplitSim.ts: describe a system once, instantiate it many ways, run it in parallel, read the wait-time profile')
    .version(VERSION, '-V, --version', 'print the version')
    // Usage errors come back as exceptions, printed as one line with exit 2 like every other bad
    // input (commander would print its own lines and exit 1). Set before the commands are
    // added, so that each inherits it.
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  registerRun(program);
  (await import('./commands/plan.ts')).registerPlan(program);
  (await import('./commands/models.ts')).registerModels(program);
  (await import('./commands/profile.ts')).registerProfile(program);
  (await import('./commands/sweep.ts')).registerSweep(program);
  (await import('./commands/rebalance.ts')).registerRebalance(program);
  (await import('./commands/tune.ts')).registerTune(program);
  (await import('./commands/runner.ts')).registerRunner(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) reportUsageError(err);
    else reportError(err);
  }
}

/**
 * `splitsim plan … --json | head -c 100`: once the reader of stdout has gone, nothing more can
 * be said there; end quietly with the status so far, instead of an unhandled EPIPE. A closed
 * stderr only loses the progress lines: the command goes on and writes its run directory.
 */
function quietOnClosedPipes(): void {
  if (!process.stdout.listeners('error').includes(stdoutClosed)) process.stdout.on('error', stdoutClosed);
  if (!process.stderr.listeners('error').includes(stderrClosed)) process.stderr.on('error', stderrClosed);
}

function stdoutClosed(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  process.exit();
}

function stderrClosed(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}
