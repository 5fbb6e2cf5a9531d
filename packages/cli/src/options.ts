import { InvalidArgumentError, Option } from 'commander';

/**
 * Every option of every command, declared once. A command lists the options it takes by name, so
 * one flag means one thing everywhere and `--help` texts stay consistent.
 */
function integer(value: string): number {
  const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number between -(2^53 - 1) and 2^53 - 1`);
  return n;
}

/** A count of at least `min`: events, replications, workers, samples. */
function count(min: number): (value: string) => number {
  return (value) => {
    const n = /^\s*\+?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ ${min}`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const OPTIONS = {
  inst: () => new Option('-i, --inst <name>', "instantiation to use (default: the config's default; see `splitsim plan <config> --list`)"),
  until: () => new Option('-u, --until <time>', 'simulated end time, with a unit: 500ms, 20s, 1.5min'),
  maxEvents: () => new Option('--max-events <n>', 'stop after this many events (≥ 1)').argParser(count(1)),
  seed: () => new Option('-s, --seed <n>', "run seed (default: the config's, else 1)").argParser(integer),
  set: () => new Option('--set <key=value>', 'override a config parameter; repeatable; values are JSON or plain strings').argParser(collect),
  out: () => new Option('-o, --out <dir>', 'run directory (default: runs/<config>-<timestamp>); refused if not empty, unless --force'),
  force: () => new Option('-f, --force', "write into a non-empty --out directory: an earlier run's outputs there are replaced, nothing else is touched"),
  json: () => new Option('--json', 'print one JSON object instead of text'),
  quiet: () => new Option('-q, --quiet', 'print nothing but errors'),
  dot: () => new Option('--dot', 'print the plan as a Graphviz DOT graph'),
  list: () => new Option('-l, --list', 'list the instantiations the config offers'),
  warmup: () => new Option('--warmup <n>', 'profile samples to drop at the start of each log (default 1)').argParser(count(0)),
  cooldown: () => new Option('--cooldown <n>', 'profile samples to drop at the end of each log, the final line included (default 1)').argParser(count(0)),
  placement: () => new Option('--placement <kind>', 'run every instance in a worker thread or a child process (default: the plan\'s placement)').choices(['thread', 'process']),
  record: () => new Option('--record [interval]', 'record for report.html: link utilisation and queues every interval of simulated time (default: about 100 samples), flow completion times, latency distributions; needs --until'),
  profile: () => new Option('--profile [interval]', 'write profile logs (profile/<instance>.jsonl) every interval of wall time (default 1s, at least 50ms)'),
  replications: () => new Option('--replications <n>', 'independent runs with seeds seed, seed + 1, …, in parallel on a worker pool: mean and 95 % interval per figure').argParser(count(1)),
  grid: () => new Option('--grid <key=v1,v2,…>', 'a parameter axis of the sweep; repeatable (values are JSON or plain strings)').argParser(collect),
  partitionFile: () => new Option('--partition-file <file>', 'use the partition (and placement) of this file, as `splitsim rebalance` and `splitsim tune` write it, in place of the instantiation\'s'),
  cores: () => new Option('--cores <n>', 'cores the partition will run on (default: the cores of this machine)').argParser(count(1)),
  instances: () => new Option('--instances <n>', 'propose exactly this many instances (default: the count the cost model predicts fastest, 1 to 2 × cores)').argParser(count(1)),
  write: () => new Option('--write <file>', 'write the partition file here (default: partition.json in the run directory)'),
  machine: () => new Option('--machine <file>', 'machine figures for the cost model, JSON (default: the ones measured on the development machine; see docs/tuning.md)'),
  idle: () => new Option('--idle', 'predict for an idle machine, even if the profiled run shared its cores with other programs'),
  budget: () => new Option('--budget <time>', 'wall-clock time to spend, with a unit: 10min, 90s'),
  params: () => new Option('--params', "list the config's parameters (name, type, default) and exit"),
  runners: () => new Option('--runners <list>', 'run the instances on runners, name=host:port,…: those the instantiation places remote(\'name\'), or all of them dealt out in order (see docs/distributed.md)'),
  tokenFile: () => new Option('--token-file <path>', 'file holding the token runners and coordinators share (one word, at least 16 characters)'),
  runnerTimeout: () => new Option('--runner-timeout <time>', 'a runner (or, on a runner, its coordinator) silent this long is lost and the run ends (default 1.2s)'),
  listen: () => new Option('--listen <host:port>', 'address to serve on (default 127.0.0.1:7070: loopback only)'),
  project: () => new Option('--project <dir>', 'the project whose model modules this runner serves (default: the working directory)'),
  maxRuns: () => new Option('--max-runs <n>', 'runs served at once; more are refused (default 1)').argParser(count(1)),
  channelPorts: () => new Option('--channel-ports <range>', 'ports channels to other runners may listen on, e.g. 7100-7199 (default: any free port)'),
  shard: () => new Option('--shard <i/N>', 'run only shard i of N of the grid (1-based; default: $JOB_COMPLETION_INDEX + 1 of N when N is given as --shard /N)'),
  merge: () => new Option('--merge <files...>', 'join the shard files of sweep --shard runs into the one CSV of the whole sweep (the grid\'s order), instead of running'),
  workers: () => new Option('--workers <n>', 'worker threads for replications and sweeps (default: the cores available; 0 runs them in this thread)').argParser(count(0)),
} as const;

export type OptionName = keyof typeof OPTIONS;

export function options(...names: OptionName[]): Option[] {
  return names.map((n) => OPTIONS[n]());
}
