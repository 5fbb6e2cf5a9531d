/**
 * The reference adapters for the tests: whether python3 and a C compiler are there (the tests
 * that need them skip, saying why, where they are not), and the C adapter built once. Test
 * files run in parallel processes, so the build takes a lock: two makes in one directory would
 * write the same object files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const adapters = join(root, 'adapters');

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** A reason to skip the Python adapter's tests, or false. */
export const noPython = has('python3', ['--version']) ? false : 'python3 is not installed';
/** A reason to skip the C adapter's tests, or false. */
export const noC = has('make', ['--version']) && (has('cc', ['--version']) || has('gcc', ['--version'])) ? false : 'make or a C compiler (cc) is not installed';

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `make -C adapters/c [target]` under a lock; throws with make's output if it fails. */
export function makeC(target = 'all'): string {
  const lock = join(adapters, 'c', '.make-lock');
  for (let t = 0; ; t += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a process that died mid-build.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      if (t > 120_000) throw new Error(`${lock}: still held after two minutes`);
      sleep(100);
    }
  }
  try {
    const r = spawnSync('make', ['-s', '-C', join(adapters, 'c'), target], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make -C adapters/c ${target} failed:\n${r.stdout}${r.stderr}`);
    return r.stdout + r.stderr;
  } finally {
    rmdirSync(lock);
  }
}
