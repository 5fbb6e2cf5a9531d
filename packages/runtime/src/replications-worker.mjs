// Piscina worker entry for replications and sweeps. On Node 20 tsx registers its loader only on
// the main thread, so the worker registers it itself before loading the TypeScript task.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
registerCjs();
globalThis[Symbol.for('splitsim.tsx-registered')] = true;
const { runReplication } = await import('./replications.ts');
export default runReplication;
