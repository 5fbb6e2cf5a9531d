/**
 * `splitsim run`'s progress as a script and as a person see it: JSON lines on stderr without a
 * terminal (monotone simulated time, ending at 100 % of --until), and under a terminal (`script`
 * gives the command a pseudo-terminal) one line redrawn in place rather than a line per update.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
// About 3.6 million events: a few slices of the sequential loop, each followed by a progress call.
const RUN = ['run', 'configs/mmc.ts', '--set', 'lambda=180', '--set', 'mu=20', '--set', 'jobs=2000000', '--until', '5000s'];

test('without a terminal: JSON progress lines with monotone simulated time, the last at 100 % of --until', () => {
  const out = mkdtempSync(join(tmpdir(), 'splitsim-progress-'));
  try {
    // Interval 0: a line at every progress call rather than every two seconds, to see several in a short run.
    const r = spawnSync(process.execPath, [bin, ...RUN, '--out', out, '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, SPLITSIM_PROGRESS_INTERVAL: '0' } });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | boolean | null>);
    assert.ok(lines.length >= 2, `${lines.length} progress lines:\n${r.stderr}`);
    for (const l of lines) {
      assert.equal(l.type, 'progress');
      assert.equal(l.until, 5000e12);
      for (const k of ['simulated', 'events', 'wallSeconds', 'percent']) assert.equal(typeof l[k], 'number', k);
    }
    for (let i = 1; i < lines.length; i++) {
      assert.ok((lines[i]!.simulated as number) >= (lines[i - 1]!.simulated as number), 'simulated time never goes back');
      assert.ok((lines[i]!.events as number) >= (lines[i - 1]!.events as number));
    }
    const last = lines.at(-1)!;
    assert.deepEqual([last.simulated, last.percent, last.done], [5000e12, 100, true]);
    assert.ok(lines.slice(0, -1).every((l) => l.done === false && (l.percent as number) < 100));
    // stdout keeps exactly the result object.
    assert.equal(JSON.parse(r.stdout).result.now, 5000e12);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('on a terminal: one progress line updated in place, then the summary', { skip: spawnSync('script', ['--version']).status === 0 ? false : 'no `script` (util-linux)' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'splitsim-progress-'));
  try {
    const command = [process.execPath, bin, ...RUN, '--out', out].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const text = r.stdout.replace(/\r\n/g, '\n');
    const progress = text.split('\n').filter((l) => l.includes(' / 5000 s ('));
    assert.equal(progress.length, 1, `one terminal line carries the progress:\n${JSON.stringify(text)}`);
    // Redrawn: every update starts at the line's beginning and clears what was there.
    const updates = progress[0]!.split('\r').filter((u) => u.includes('5000 s'));
    assert.ok(updates.length >= 2, `updates: ${JSON.stringify(updates)}`);
    assert.ok(updates.every((u) => u.endsWith('\x1b[K')), 'each update clears the rest of the line');
    assert.match(updates.at(-1)!, /^5000 s \/ 5000 s \(100 %\) · speed .*\/s · .* ev\/s · .* wall\x1b\[K$/);
    assert.match(updates[0]!, /\(\d+\.\d %\) · speed .*\/s · .* ev\/s · .* left\x1b\[K$/);
    assert.doesNotMatch(text, /\{"type":"progress"/, 'no JSON on a terminal');
    assert.match(text, /mmc\/single: reached the end time/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
