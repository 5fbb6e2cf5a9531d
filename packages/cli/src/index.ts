/** @splitsim/cli: the `splitsim` command. */
export { main } from './main.ts';
export { runCommand } from './commands/run.ts';
