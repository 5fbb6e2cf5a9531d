// Piscina worker entry for replications and sweeps. On Node 20 tsx registers its loader only on
// the main thread, so the worker registers it itself before loading the TypeScript task.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
registerCjs();
globalThis[Symbol.for('splitsim.tsx-registered')] = true;
const { runReplication } = await import('./replications.ts');

// An error crosses the thread boundary by structured clone, which keeps a message but drops the
// class and its code: ours come back as data instead, so the CLI still reports them as the
// user's mistake (one line, exit 2), not as an internal error.
export default async function replication(task) {
  try {
    return await runReplication(task);
  } catch (err) {
    if (typeof err?.code === 'string' && err.code.startsWith('E_') && typeof err.message === 'string') {
      return { failed: { code: err.code, message: err.message, details: JSON.parse(JSON.stringify(err.details ?? {})) } };
    }
    throw err;
  }
}
