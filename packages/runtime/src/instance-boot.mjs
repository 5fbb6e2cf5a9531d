// Worker-thread entry. On Node 20, tsx registers its loader only on the main thread when given
// as `--import tsx` (worker support needs Node ≥ 22.22/24.11), so a worker registers it itself
// before loading the TypeScript entry. Child processes use execArgv ['--import', 'tsx'].
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
registerCjs();
// Tells modules.ts that this thread loads TypeScript already.
globalThis[Symbol.for('splitsim.tsx-registered')] = true;
await import('./instance-main.ts');
