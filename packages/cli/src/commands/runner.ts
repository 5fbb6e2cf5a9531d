import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MIN_TOKEN_LENGTH } from '@splitsim/channels';
import { SplitSimError } from '@splitsim/kernel';
import { parseHostPort, parsePortRange, startRunner } from '@splitsim/runtime';
import { VERSION } from '../version.ts';
import { options } from '../options.ts';

export interface RunnerFlags {
  listen?: string;
  tokenFile?: string;
  project?: string;
  maxRuns?: number;
  channelPorts?: string;
  quiet?: boolean;
}

export function registerRunner(program: Command): void {
  const cmd = program
    .command('runner')
    .description('serve instances to coordinators (`splitsim run … --runners name=host:port`) that present the token');
  for (const o of options('listen', 'tokenFile', 'project', 'maxRuns', 'channelPorts', 'quiet')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    [
      '',
      'A runner binds to loopback unless --listen names another address. It accepts only connections that present',
      'the token (the coordinator, and the other runners of its runs); it resolves the model modules a plan names in',
      'its own --project (never code it receives) and refuses a plan whose models it lacks. Refusals and runs are',
      'logged on stderr. It runs until it gets SIGINT or SIGTERM. See docs/distributed.md.',
      '',
      'Examples:',
      '  splitsim runner --listen 127.0.0.1:7070 --token-file ~/.splitsim-token',
      '  splitsim runner --listen 0.0.0.0:7070 --token-file /run/secrets/splitsim-token --project /app --channel-ports 7100-7199',
    ].join('\n'),
  );
  cmd.action(async (flags: RunnerFlags) => runnerCommand(flags));
}

/** Reads a token file: one line, at least MIN_TOKEN_LENGTH printable characters. */
export function readToken(file: string | undefined, what: string): string {
  if (file === undefined) throw new SplitSimError('E_CONFIG', `${what} needs --token-file <path>: a file holding the shared token (e.g. openssl rand -hex 32 > token)`, { field: '--token-file' });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SplitSimError('E_CONFIG', `--token-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { field: '--token-file' });
  }
  const token = text.trim();
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new SplitSimError('E_CONFIG', `--token-file ${file}: the token must be one word of at least ${MIN_TOKEN_LENGTH} printable characters`, { field: '--token-file' });
  }
  return token;
}

async function runnerCommand(flags: RunnerFlags): Promise<void> {
  const token = readToken(flags.tokenFile, 'splitsim runner');
  const { host, port } = parseHostPort(flags.listen ?? '127.0.0.1:7070', '--listen');
  const project = resolve(flags.project ?? process.cwd());
  if (!statSync(project, { throwIfNoEntry: false })?.isDirectory()) throw new SplitSimError('E_CONFIG', `--project ${project}: no such directory`, { field: '--project' });
  const maxRuns = flags.maxRuns ?? 1;
  if (maxRuns < 1) throw new SplitSimError('E_CONFIG', '--max-runs must be at least 1', { field: '--max-runs' });
  const quiet = flags.quiet === true;
  const log = (line: string) => {
    if (!quiet || line.startsWith('refused')) process.stderr.write(`splitsim runner: ${line}\n`);
  };
  const runner = await startRunner({ host, port, token, project, maxRuns, channelPorts: parsePortRange(flags.channelPorts), log, version: VERSION });
  // Tests and scripts read the port from here when they ask for port 0.
  process.stdout.write(`listening ${host}:${runner.port}\n`);
  await new Promise<void>((done) => {
    const stop = (sig: string) => {
      log(`${sig}: stopping (runs in progress are aborted)`);
      void runner.close().then(done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
