import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../../', import.meta.url).pathname;
const splitsim = (...args: string[]) => spawnSync(process.execPath, [join(root, 'packages/splitsim/bin/splitsim.js'), ...args], { cwd: root, encoding: 'utf8' });

test('splitsim run --replications: mean ± 95 % interval per figure, replications.csv and report.html', () => {
  const out = mkdtempSync(join(tmpdir(), 'reps-'));
  const r = splitsim('run', 'configs/broker.ts', '--set', 'stations=["tandem"]', '--set', 'warmup=10s', '--until', '200s', '--replications', '3', '--workers', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /broker: 3 replications/);
  assert.match(r.stdout, /tandem stage-2 arrival rate .*: [\d.]+ ± [\d.]+ \/s {3}theory 125/);
  // Without a terminal, progress is JSON lines on stderr; the last says all three are done.
  const last = JSON.parse(r.stderr.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);
  assert.deepEqual([last.type, last.runs, last.total, last.done], ['progress', 3, 3, true]);
  for (const f of ['replications.json', 'replications.csv', 'report.html']) assert.ok(existsSync(join(out, f)), f);
  const json = JSON.parse(readFileSync(join(out, 'replications.json'), 'utf8'));
  assert.deepEqual(json.seeds, [1, 2, 3]);
});

test('splitsim sweep: one CSV row per grid point', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'sweep-')), 'tandem.csv');
  const r = splitsim('sweep', 'configs/broker.ts', '--set', 'stations=["tandem"]', '--set', 'warmup=10s', '--until', '100s', '--grid', 'failure=0,0.2', '--workers', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /^failure,replications,/);
  const col = rows[0]!.split(',').indexOf('tandem stage-2 arrival rate (λ × transmissions per message) (/s)');
  assert.ok(col > 0, rows[0]);
  // λ / (1 - p): 100 with no failures, 125 with a fifth of them failing.
  assert.ok(Math.abs(Number(rows[1]!.split(',')[col]) - 100) < 1e-9);
  assert.ok(Math.abs(Number(rows[2]!.split(',')[col]) / 125 - 1) < 0.03, rows[2]);
  assert.match(splitsim('sweep', 'configs/broker.ts').stderr, /--grid/);
});
