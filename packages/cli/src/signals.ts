import type { Stopper } from '@splitsim/runtime';

/** Signals that end a run, and the exit code each gives (128 + the signal's number, as shells report). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type RunSignal = keyof typeof SIGNAL_EXIT;

/**
 * SIGINT, SIGTERM and SIGHUP for the life of one run, from the moment its run directory is
 * claimed to its last file. Before the run starts a signal ends the command at once. During the run the first one interrupts it (the instances stop, finish their
 * components and report; the run directory keeps their statistics) and a second one ends it at
 * once (no statistics, but run.json still finished). While the outputs are written the files
 * are written whole whatever comes (a handler runs between writes, never inside one); a signal
 * there only skips what is left of the optional outputs (report, profile post-processing).
 */
export class RunSignals {
  /** The first signal received, if any. */
  first: RunSignal | null = null;
  private count = 0;
  private phase: 'setup' | 'run' | 'output' = 'setup';
  private readonly handlers = new Map<RunSignal, () => void>();

  /**
   * `beforeRun`: what a signal does while the config is still being loaded and planned (nothing
   * has run, nothing is written: give the claimed directory back and exit with the signal's code).
   */
  constructor(
    private readonly stopper: Stopper,
    private readonly say: (line: string) => void,
    private readonly beforeRun: (sig: RunSignal) => void,
  ) {
    for (const sig of Object.keys(SIGNAL_EXIT) as RunSignal[]) {
      const h = () => this.on(sig);
      this.handlers.set(sig, h);
      process.on(sig, h);
    }
  }

  /** The run directory is written: from now on a signal interrupts the run. */
  running(): void {
    this.phase = 'run';
  }

  /** The run is over: from now on a signal cuts the optional outputs short. */
  writingOutputs(): void {
    this.phase = 'output';
  }

  private resolveLate!: () => void;
  /** Resolves when a signal arrives while the outputs are written (to race a slow optional step against). */
  readonly late = new Promise<void>((resolve) => (this.resolveLate = resolve));

  /** The exit code for a run that a signal interrupted, or null. */
  exitCode(): number | null {
    return this.first === null ? null : SIGNAL_EXIT[this.first];
  }

  uninstall(): void {
    for (const [sig, h] of this.handlers) process.off(sig, h);
    this.handlers.clear();
  }

  private on(sig: RunSignal): void {
    this.first ??= sig;
    this.count++;
    if (this.phase === 'setup') return this.beforeRun(sig);
    if (this.phase === 'output') return this.resolveLate();
    if (this.count === 1) this.say(`${sig}: stopping the instances and keeping what they have (again to end at once)\n`);
    else this.say(`${sig}: ending now\n`);
    this.stopper.interrupt(sig);
  }
}
