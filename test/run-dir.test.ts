/**
 * `--out` is checked before anything runs and never destroys anything: a path that is a file or
 * lies under one, /proc, a read-only or full file system, a non-empty directory (unless
 * --force), a directory another run is writing to: each refused with exit code 2 and one line,
 * before the config is even loaded, and nothing deleted. A disk that fills during the run ends it
 * as failed, run.json saying why and which files were kept. (How fast a refusal comes is
 * measured by scripts/stress-faults.sh.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, outDir, readJson, root, running, startRun, until } from './support/cli-run.ts';

const diskFull = join(import.meta.dirname, 'support', 'disk-full.mjs');

function splitsim(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  return spawnSync(process.execPath, [...nodeArgs, bin, 'run', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A quick run: M/M/c with a thousand jobs. */
const mmc = (out: string, ...more: string[]) => ['configs/mmc.ts', '--set', 'jobs=1000', '--quiet', '--out', out, ...more];

function refused(r: ReturnType<typeof splitsim>, message: RegExp) {
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** A small tmpfs at a fresh mount point, or null where this user cannot mount one. */
function tmpfs(size: string, ro = false): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${ro ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return null;
  }
}
const unmount = (dir: string) => spawnSync('umount', [dir]);

test('a path that is a file, lies under one, or cannot be created is refused; the file is untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-out-'));
  const file = join(dir, 'results.txt');
  writeFileSync(file, 'mine\n');
  refused(splitsim(mmc(file)), /--out .*results\.txt: is a file, not a directory/);
  refused(splitsim(mmc(join(file, 'run'))), /--out .*results\.txt\/run: a part of the path is not a directory/);
  refused(splitsim(mmc('/proc/x')), /--out \/proc\/x: cannot create \/proc\/x/);
  refused(splitsim(mmc('/dev/null')), /--out \/dev\/null: is a file, not a directory/);
  assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  assert.deepEqual(readdirSync(dir), ['results.txt']);
});

test('an unwritable directory or a read-only file system is refused, and nothing is left behind', (t) => {
  if (process.getuid?.() !== 0) {
    const dir = mkdtempSync(join(tmpdir(), 'splitsim-ro-'));
    chmodSync(dir, 0o555);
    refused(splitsim(mmc(join(dir, 'run'))), /--out .*: cannot create .*: permission denied/);
    assert.deepEqual(readdirSync(dir), []);
  }
  const ro = tmpfs('1m', true);
  if (ro === null) return t.skip('no read-only file system to mount here');
  try {
    refused(splitsim(mmc(join(ro, 'run'))), /--out .*: cannot create .*: read-only file system/);
  } finally {
    unmount(ro);
  }
});

test('a full file system is refused before the run', () => {
  const fs = tmpfs('64k');
  if (fs !== null) {
    try {
      writeFileSync(join(fs, 'filler'), Buffer.alloc(60 * 1024));
      refused(splitsim(mmc(join(fs, 'run'))), /--out .*: file system full/);
      assert.deepEqual(readdirSync(fs), ['filler'], 'the run directory it made is gone again');
    } finally {
      unmount(fs);
    }
  }
  // Where nothing can be mounted (and in any case), a file system that reports no space.
  const out = outDir();
  refused(splitsim(mmc(out), { SPLITSIM_TEST_DISK: 'full' }, ['--import', diskFull]), /--out .*: file system full \(0 KiB free\)/);
  assert.equal(existsSync(out), false);
});

test('a non-empty directory is refused; --force replaces an earlier run\'s outputs and touches nothing else', () => {
  const out = outDir();
  mkdirSync(join(out, 'profile'), { recursive: true });
  const mine = { 'notes.txt': 'mine\n', 'profile/notes.txt': 'also mine\n', 'profile/mine.jsonl': '{"mine":true}\n' };
  for (const [f, text] of Object.entries(mine)) writeFileSync(join(out, f), text);
  // An earlier run's profile log of an instance this run does not have, and its metrics.
  writeFileSync(join(out, 'profile', 'old.jsonl'), '{"v":1,"instance":"old","final":true}\n');
  writeFileSync(join(out, 'metrics.json'), '{"old":true}\n');
  refused(splitsim(mmc(out)), /--out .*: not empty \(.*\); choose a new directory, or --force/);
  assert.equal(readFileSync(join(out, 'metrics.json'), 'utf8'), '{"old":true}\n');
  const r = splitsim(mmc(out, '--force'));
  assert.equal(r.status, 0, r.stderr);
  for (const [f, text] of Object.entries(mine)) assert.equal(readFileSync(join(out, f), 'utf8'), text, `${f} is kept`);
  assert.equal(existsSync(join(out, 'profile', 'old.jsonl')), false, "the earlier run's profile log is not read as this run's");
  assert.equal(readJson(join(out, 'metrics.json')).totals.events, 4000);
  assert.equal(readJson(join(out, 'run.json')).status, 'completed');
});

test('a second run into a directory another run is writing to is refused, even with --force', async () => {
  const out = outDir();
  // Fast enough arrivals that a long run stays far below 2^53 ps of simulated time.
  const first = startRun(['configs/mmc.ts', '--set', 'jobs=100000000', '--set', 'lambda=90000', '--set', 'mu=10000', '--quiet', '--out', out]);
  await until(running(out), 'the first run');
  refused(splitsim(mmc(out, '--force')), new RegExp(`--out .*: another run \\(process ${first.pid}\\) is writing to this directory`));
  first.signal('SIGINT');
  assert.equal((await first.exited).code, 130);
  assert.equal(readJson(join(out, 'run.json')).status, 'interrupted');
});

test('a disk that fills at the end fails the run: run.json says why and what was kept', () => {
  const out = outDir();
  const r = splitsim(mmc(out), { SPLITSIM_TEST_DISK: 'metrics' }, ['--import', diskFull]);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /splitsim: run failed: no space left on device writing metrics\.json/);
  const info = readJson(join(out, 'run.json'));
  assert.equal(info.status, 'failed');
  assert.equal(info.failure.code, 'E_OUTPUT');
  assert.match(info.message, /no space left on device writing metrics\.json/);
  assert.deepEqual(info.files, ['plan.json', 'run.json', 'run.log']);
  assert.equal(existsSync(join(out, 'metrics.json')), false);
  assert.deepEqual(readdirSync(out).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
});

test('a disk that fills during a run (a small tmpfs) fails the run: run.json says why', async (t) => {
  const fs = tmpfs('2m');
  if (fs === null) return t.skip('no file system to mount here (the injected error above covers the code path)');
  try {
    const out = join(fs, 'run');
    const run = startRun(['configs/phold.ts', '--inst', 'linear2', '--until', '10s', '--profile', '50ms', '--quiet', '--out', out]);
    await until(() => existsSync(join(out, 'profile', 'i1.jsonl')), 'a profile log');
    // Fill what is left.
    try {
      writeFileSync(join(fs, 'filler'), Buffer.alloc(4 << 20));
    } catch {
      // ENOSPC: full, as meant
    }
    const { code } = await run.exited;
    assert.equal(code, 3, run.output().stderr);
    const info = readJson(join(out, 'run.json'));
    assert.equal(info.status, 'failed');
    assert.match(info.message, /no space left on device writing (profile\/i\d\.jsonl|run\.log)/);
    assert.ok(info.files.includes('plan.json'));
  } finally {
    unmount(fs);
  }
});
