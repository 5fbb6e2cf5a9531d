/**
 * Many `splitsim` commands in one process, for tests that try many inputs: a child process per
 * case costs a second or more of start-up, this costs milliseconds a case. The commands run in a
 * helper process (cli-batch.ts), never in the test's own: the test runner reports through this
 * process's stdout, which cli() captures. What a real process adds (an uncaught exception,
 * EPIPE) is tested with real processes beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@splitsim/cli';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `splitsim ...args` in this process with stdout and stderr captured. */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const capture = (into: string[]) => ((chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'splitsim', ...args]);
  } catch (e) {
    // main() catches everything; an escape is itself a failure the caller should see.
    err.push(`ESCAPED: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 99;
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { status, stdout: out.join(''), stderr: err.join('') };
}

const root = new URL('../..', import.meta.url).pathname;

export interface BatchCase {
  id: string;
  args: string[];
}

/** Runs every case, one after the other, in one helper process; results by id. */
export function runBatch(cases: readonly BatchCase[], timeoutMs = 240_000): Map<string, CliResult> {
  const io = mkdtempSync(join(tmpdir(), 'splitsim-batch-'));
  writeFileSync(join(io, 'in.json'), JSON.stringify(cases));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/support/cli-batch.ts'), join(io, 'in.json'), join(io, 'out.json')], { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`cli-batch exited ${r.status}: ${r.stderr}`);
  const results = JSON.parse(readFileSync(join(io, 'out.json'), 'utf8')) as Array<[string, CliResult]>;
  return new Map(results);
}

/**
 * A scratch directory for configs: inside the checkout (under runs/, which git ignores), so
 * that `import … from 'splitsim'` resolves as it does for the project's own configs.
 */
export function scratchDir(prefix: string): string {
  mkdirSync(join(root, 'runs'), { recursive: true });
  return mkdtempSync(join(root, 'runs', `${prefix}-`));
}

/** A run directory that does not exist yet. */
export function freshOut(): string {
  return join(mkdtempSync(join(tmpdir(), 'splitsim-cli-')), 'run');
}

/** Writes `source` as a config file in `dir` and returns its path. */
export function writeConfig(dir: string, name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}
