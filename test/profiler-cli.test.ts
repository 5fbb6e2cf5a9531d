// `splitsim profile <run-dir>` as a user runs it: the text summary, --json, --warmup/--cooldown,
// and a damaged log reported by file and line with exit code 2 and no stack trace.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileSummary } from '@splitsim/profiler';

// Every temporary directory of this file lives under one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-profiler-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'packages/splitsim/bin/splitsim.js');

function copyOf(name: string): string {
  const dir = join(mkdtempSync(join(scratch, 'splitsim-profile-cli-')), name);
  cpSync(join(root, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

function splitsim(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

test('splitsim profile prints the speed, the bottleneck, the idle instances and what to try, and writes the WTPG files', () => {
  const dir = copyOf('profile-unbalanced4');
  const r = splitsim('profile', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^WTPG of phold\/unbalanced4: 4 instance\(s\), run completed/);
  assert.match(r.stdout, /speed +250 µs simulated per wall second/);
  assert.match(r.stdout, /bottleneck +i0: waits \d/);
  assert.match(r.stdout, /waiting for it: i\d \d+ %, i\d \d+ %, i\d \d+ %/);
  assert.match(r.stdout, /most idle +i\d waits/);
  assert.match(r.stdout, /try +split i0: .*split it into up to 4 instances, as free cores allow/);
  assert.match(r.stdout, /merge i\d and i\d/);
  for (const f of ['wtpg.json', 'wtpg.dot', 'wtpg.svg', 'wtpg.html']) assert.ok(existsSync(join(dir, f)), f);
});

test('splitsim profile --json prints one object; --warmup and --cooldown set the window', () => {
  const r = splitsim('profile', copyOf('profile-trim'), '--json', '--warmup', '0', '--cooldown', '2');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const summary = JSON.parse(lines[0]!) as ProfileSummary;
  assert.deepEqual(summary.instances.map((i) => [i.window.fromLine, i.window.toLine]), [[1, 4], [1, 4]]);
  assert.deepEqual(summary.bottlenecks, ['b']);
});

test('splitsim profile on damaged logs names every bad file and line and exits 2', () => {
  const dir = copyOf('profile-malformed');
  const r = splitsim('profile', dir);
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stderr, /^splitsim: 3 problems in the profile logs:/);
  assert.match(r.stderr, /profile\/i1\.jsonl:4: not JSON/);
  assert.match(r.stderr, /profile\/i2\.jsonl:6: events went back/);
  assert.match(r.stderr, /profile\/i3\.jsonl:2: channels\.0\.peer: /);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  assert.ok(!existsSync(join(dir, 'wtpg.json')), 'nothing written');
});

test('splitsim profile on a run without profile logs says how to make them', () => {
  const r = splitsim('profile', mkdtempSync(join(scratch, 'splitsim-profile-cli-none-')));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no profile logs.*splitsim run \.\.\. --profile/);
});
