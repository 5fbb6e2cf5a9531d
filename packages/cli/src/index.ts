export { runCommand } from './commands/run.ts';
