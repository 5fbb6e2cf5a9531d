#!/usr/bin/env node
// Loads TypeScript at run time (configs and the project's own sources) through tsx, then the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
