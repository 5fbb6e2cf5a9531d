/**
 * `splitsim run` as a child process, the way a terminal runs it: its own process group, a private
 * TMPDIR (so that the sockets it leaves, if any, are found), stderr watched for the instance
 * process ids. For the signal, fault and run-directory tests and the stress script.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
/** Only catches a hang; how fast a run ends is measured by scripts/stress-faults.sh, not asserted. */
export const HANG_MS = 20_000;

export const wallNs = () => Math.round((performance.timeOrigin + performance.now()) * 1e6);
export const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh place for a run directory (not yet created). */
export const outDir = () => join(mkdtempSync(join(tmpdir(), 'splitsim-test-')), 'run');

/** Alive and not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export interface Started {
  pid: number;
  /** Instance processes by instance name, as the CLI announces them on stderr (not with --quiet; see instancePids). */
  pids: Map<string, number>;
  /** The run's private TMPDIR (where socket directories would be). */
  tmp: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output(): { stdout: string; stderr: string };
  signal(sig: NodeJS.Signals): void;
}

/** Starts `node [nodeArgs] splitsim run <args>`. */
export function startRun(args: string[], nodeArgs: string[] = []): Started {
  const tmp = mkdtempSync(join(tmpdir(), 'splitsim-tmp-'));
  const child = spawn(process.execPath, [...nodeArgs, bin, 'run', ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  let stdout = '';
  let stderr = '';
  const pids = new Map<string, number>();
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const m of stderr.matchAll(/instance (\w+): process pid (\d+)/g)) pids.set(m[1]!, Number(m[2]));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: wallNs() })));
  const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), HANG_MS);
  void exited.then(() => clearTimeout(guard));
  return { pid: child.pid!, pids, tmp, exited, output: () => ({ stdout, stderr }), signal: (sig) => process.kill(child.pid!, sig) };
}

/** Waits until `ready()` holds, polling; throws after HANG_MS. */
export async function until(ready: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > HANG_MS) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** run.json says `running` (the run directory is written, the run is starting). */
export const running = (out: string) => () => {
  try {
    return readJson(join(out, 'run.json')).status === 'running';
  } catch {
    return false;
  }
};

/** run.json is the final one (the run has ended; optional outputs may still be being written). */
export const ended = (out: string) => () => {
  try {
    return ['completed', 'failed', 'interrupted'].includes(readJson(join(out, 'run.json')).status);
  } catch {
    return false;
  }
};

/** The profile log has a line: that instance is running events. */
export const profiling = (out: string, instance: string) => () => {
  const f = join(out, 'profile', `${instance}.jsonl`);
  return existsSync(f) && readFileSync(f, 'utf8').includes('\n');
};

/** Instance processes by name, from the run's log (it names each one as it starts). */
export function instancePids(out: string): Map<string, number> {
  const pids = new Map<string, number>();
  try {
    for (const m of readFileSync(join(out, 'run.log'), 'utf8').matchAll(/instance (\w+): process pid (\d+)/g)) pids.set(m[1]!, Number(m[2]));
  } catch {
    // no log yet
  }
  return pids;
}

/** Socket directories (splitsim-*) a run left in its TMPDIR. */
export function socketDirs(tmp: string): string[] {
  return readdirSync(tmp).filter((e) => e.startsWith('splitsim-'));
}

/** Waits (bounded) for every process to be gone; returns those still alive. */
export async function gone(pids: Iterable<number>): Promise<number[]> {
  const t0 = Date.now();
  let left = [...pids].filter(alive);
  while (left.length > 0 && Date.now() - t0 < HANG_MS) {
    await sleep(20);
    left = left.filter(alive);
  }
  return left;
}
