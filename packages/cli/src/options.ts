import { InvalidArgumentError, Option } from 'commander';

/**
 * Every option of every command, declared once. A command lists the options it takes by name, so
 * one flag means one thing everywhere and `--help` texts stay consistent.
 */
function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const OPTIONS = {
  inst: () => new Option('-i, --inst <name>', "instantiation to use (default: the config's default; see `splitsim plan <config> --list`)"),
  until: () => new Option('-u, --until <time>', 'simulated end time, with a unit: 500ms, 20s, 1.5min'),
  maxEvents: () => new Option('--max-events <n>', 'stop after this many events').argParser(integer),
  seed: () => new Option('-s, --seed <n>', "run seed (default: the config's, else 1)").argParser(integer),
  set: () => new Option('--set <key=value>', 'override a config parameter; repeatable; values are JSON or plain strings').argParser(collect),
  out: () => new Option('-o, --out <dir>', 'run directory (default: runs/<config>-<timestamp>)'),
  json: () => new Option('--json', 'print one JSON object instead of text'),
  quiet: () => new Option('-q, --quiet', 'print nothing but errors'),
} as const;

export type OptionName = keyof typeof OPTIONS;

export function options(...names: OptionName[]): Option[] {
  return names.map((n) => OPTIONS[n]());
}
