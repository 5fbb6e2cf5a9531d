import type { CommanderError } from 'commander';

/** Exit status of bad input: a config, a parameter, an option or a command line the user must fix. */
export const EXIT_BAD_INPUT = 2;

/**
 * What the user sees of an error. Ours (SplitSimError, by name and code, so that one thrown by
 * a second copy of the library loaded with a config counts too) name the file, component, port
 * or field already: one line or a short list, exit 2, no stack trace. Anything else is a bug of
 * ours: its stack, exit 1.
 */
export function reportError(err: unknown): void {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown } | null;
  const ours = e !== null && typeof e === 'object' && typeof e.code === 'string' && e.code.startsWith('E_') && typeof e.message === 'string';
  if (ours) {
    process.stderr.write(`splitsim: ${printable(e.message as string)}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  } else {
    process.stderr.write(`splitsim: internal error: ${(e?.stack as string | undefined) ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

/** Commander's verdicts: help and version end well; anything else is a bad command line, one line, exit 2. */
export function reportUsageError(err: CommanderError): void {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0)) {
    process.exitCode = 0;
    return;
  }
  if (err.code === 'commander.help') {
    // `splitsim` alone: commander printed the help; that is the answer, but not a success.
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const text = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim();
  process.stderr.write(`splitsim: ${printable(text)} (run with --help for usage)\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

/** Control characters of user input (a file name, a --set value) shown as escapes, never sent to the terminal raw. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
