import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SplitSimError } from '@splitsim/kernel';
import { fsProblem } from './atomic-write.ts';

/** The lock a run holds on its run directory while it writes there; it holds the run's process id. */
export const LOCK = '.splitsim-lock';
/** Less free space than this and a run is refused: plan.json, run.json and run.log must fit. */
const MIN_FREE = 1 << 20;
/** What a run writes (and `--force` replaces): nothing else in a reused directory is touched. */
const OUTPUTS = ['plan.json', 'run.json', 'run.log', 'metrics.json', 'series.csv', 'report.html', 'wtpg.json', 'wtpg.dot', 'wtpg.svg', 'wtpg.html'];

/**
 * Makes `dir` this run's directory, or refuses in one line (E_OUTPUT) before anything runs: the
 * path or a parent is a file, it cannot be created or written (permissions, a read-only or
 * full file system, /proc), it is not empty (unless `force`), or another run is writing there.
 * Each path component is created on its own, so a file system that refuses answers at once.
 * With `force`, the outputs of an earlier run there are removed so they are not read as this
 * run's: the files listed in OUTPUTS and the profile logs in profile/ (recognised by their first
 * line); nothing else is touched. Returns with the lock taken, and the directories it created.
 */
export function claimRunDirectory(dir: string, force: boolean): string[] {
  const refuse = (why: string): never => {
    throw new SplitSimError('E_OUTPUT', `--out ${dir}: ${why}`, { field: '--out', path: dir });
  };
  const created = makeDirectories(resolve(dir), refuse);
  try {
    take(dir, force, refuse);
  } catch (err) {
    removeCreated(created);
    throw err;
  }
  return created;
}

function take(dir: string, force: boolean, refuse: (why: string) => never): void {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    return refuse(fsProblem(err));
  }
  if (!st.isDirectory()) refuse('is a file, not a directory');
  const holder = lockHolder(dir);
  if (holder !== null && holder !== process.pid && alive(holder)) refuse(`another run (process ${holder}) is writing to this directory`);
  const entries = readdirSync(dir).filter((e) => e !== LOCK);
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
    refuse(`not empty (${shown}); choose a new directory, or --force to replace an earlier run's outputs there (nothing else is touched)`);
  }
  try {
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < MIN_FREE) refuse(`file system full (${Math.floor((free.bavail * free.bsize) / 1024)} KiB free)`);
  } catch (err) {
    if (err instanceof SplitSimError) throw err;
  }
  // The lock is the first write: it proves the directory takes files. Exclusive, so that of two
  // runs started at once into one directory, one is refused.
  if (holder !== null) rmSync(join(dir, LOCK), { force: true }); // left by a run that was killed
  let fd: number;
  try {
    fd = openSync(join(dir, LOCK), 'wx');
  } catch (err) {
    return refuse((err as NodeJS.ErrnoException).code === 'EEXIST' ? 'another run is writing to this directory' : `cannot write there: ${fsProblem(err)}`);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch (err) {
    rmSync(join(dir, LOCK), { force: true });
    refuse(`cannot write there: ${fsProblem(err)}`);
  } finally {
    closeSync(fd);
  }
  if (force) removeEarlierOutputs(dir);
}

/** Gives the directory back (the run has written its last file). */
export function releaseRunDirectory(dir: string): void {
  if (lockHolder(dir) === process.pid) rmSync(join(dir, LOCK), { force: true });
}

/** Removes the directories a claim created, innermost first, as long as they are empty (a run refused or abandoned before it wrote anything). */
export function removeCreated(created: readonly string[]): void {
  for (const d of created) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}

function makeDirectories(path: string, refuse: (why: string) => never): string[] {
  const missing: string[] = [];
  let p = path;
  for (;;) {
    let st;
    try {
      st = lstatSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') refuse(fsProblem(err));
      missing.push(p);
      const up = dirname(p);
      if (up === p) refuse('cannot be created there');
      p = up;
      continue;
    }
    if (missing.length > 0 && !(st.isDirectory() || (st.isSymbolicLink() && isDirectory(p)))) refuse(`${p} is a file, not a directory`);
    break;
  }
  const created: string[] = [];
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
      created.unshift(m);
    } catch (err) {
      removeCreated(created);
      refuse(`cannot create ${m}: ${fsProblem(err)}`);
    }
  }
  return created;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function lockHolder(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, LOCK), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeEarlierOutputs(dir: string): void {
  for (const f of OUTPUTS) rmSync(join(dir, f), { force: true });
  const profile = join(dir, 'profile');
  if (!existsSync(profile) || !isDirectory(profile)) return;
  for (const f of readdirSync(profile)) {
    const file = join(profile, f);
    if (f.endsWith('.jsonl') && isProfileLog(file)) rmSync(file, { force: true });
  }
}

/** A profile log (docs/profile-format.md) starts with `{"v":1,"instance":`. */
function isProfileLog(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(24);
      const n = readSync(fd, head);
      return head.subarray(0, n).toString('utf8').startsWith('{"v":1,"instance":');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
