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
    process.stderr.write(`splitsim: ${e.message as string}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`splitsim: internal error: ${(e?.stack as string | undefined) ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
