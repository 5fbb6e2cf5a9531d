/** `splitsim run` end to end, as a user runs it: a child process, a run directory, clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'packages', 'splitsim', 'bin', 'splitsim.js');
const splitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '..') });

test('runs the M/M/c config into a run directory and prints a summary', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'splitsim-')), 'run');
  const r = splitsim('run', 'configs/mmc.ts', '--set', 'jobs=20000', '--seed', '4', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mmc\/single: no events left/);
  assert.match(r.stdout, /mean wait .* theory .* error/);
  for (const f of ['plan.json', 'metrics.json', 'run.json', 'run.log']) assert.ok(existsSync(join(out, f)), f);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(metrics.totals.events, 80_000);
  assert.equal(metrics.components.find((c: any) => c.path === 'server').stats.served, 20_000);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
  assert.equal(plan.seed, 4);
  assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'completed');
});

test('--json prints one JSON object a script can read', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'splitsim-')), 'run');
  const r = splitsim('run', 'configs/mmc.ts', '--set', 'jobs=1000', '--json', '--out', out, '--until', '2s');
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(summary.dir, out);
  assert.equal(summary.result.reason, 'until');
  assert.equal(summary.result.now, 2e12);
  assert.ok(summary.figures.some((f: any) => f.name === 'mean wait'));
});

test('bad input gives a clear message naming what is wrong, exit code 2 and no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-'));
  const cases: Array<[string[], RegExp]> = [
    [['run', 'configs/nope.ts'], /configs\/nope.ts: no such config file/],
    [['run', 'configs/mmc.ts', '--inst', 'sixteen'], /no instantiation "sixteen" \(available: single/],
    [['run', 'configs/mmc.ts', '--set', 'lambda=-3'], /parameter lambda/],
    [['run', 'configs/mmc.ts', '--set', 'colour=blue'], /colour/],
    [['run', 'configs/mmc.ts', '--until', '10 parsecs'], /--until: unknown time unit "parsecs"/],
  ];
  const bad = join(dir, 'bad.ts');
  writeFileSync(bad, 'export default { name: "bad" };\n');
  cases.push([['run', bad], /default export must be defineConfig/]);
  for (const [args, message] of cases) {
    const r = splitsim(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('--help answers questions', () => {
  const r = splitsim('run', '--help');
  assert.equal(r.status, 0);
  for (const flag of ['--inst', '--until', '--seed', '--set', '--out', '--json']) assert.match(r.stdout, new RegExp(flag));
  assert.match(r.stdout, /Examples:/);
});
