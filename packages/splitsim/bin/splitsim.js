#!/usr/bin/env node
// In this checkout: loads TypeScript at run time (configs, model modules and the project's own
// sources) through tsx, then the CLI. The published package's bin is compiled (scripts/pack.mjs).
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

// Both loaders: a config in a CommonJS package (no "type": "module") compiles to CommonJS.
register();
registerCjs();
globalThis[Symbol.for('splitsim.tsx-registered')] = true;
const { main } = await import('@splitsim/cli');
await main(process.argv);
