/**
 * Faults in a parallel run, through `splitsim run` as a user meets them: an exception inside an
 * instance, a child process killed, Ctrl-C. Each ends the run with the documented exit code and
 * message, leaves a readable run directory, and leaves no process behind. How fast each ends is
 * printed as a diagnostic (timings are for benchmarks, not for assertions on a shared CI machine);
 * the bound asserted here only catches a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
const HANG_MS = 15_000;

const outDir = () => join(mkdtempSync(join(tmpdir(), 'splitsim-fault-')), 'run');
const wallNow = () => Math.round((performance.timeOrigin + performance.now()) * 1e6);
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Starts `splitsim run` in its own process group (as a terminal would); resolves pids as instances start. */
function start(args: string[]) {
  const child = spawn(process.execPath, [bin, 'run', ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const pids = new Map<string, number>();
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const m of stderr.matchAll(/instance (\w+): process pid (\d+)/g)) pids.set(m[1]!, Number(m[2]));
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: wallNow() })));
  const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), HANG_MS);
  exited.then(() => clearTimeout(guard));
  return { child, pids, exited, output: () => ({ stderr, stdout }) };
}

/** Waits until the file exists and has a line (the instance is running). */
async function waitForLine(file: string): Promise<void> {
  const t0 = Date.now();
  while (!(existsSync(file) && readFileSync(file, 'utf8').includes('\n'))) {
    if (Date.now() - t0 > HANG_MS) throw new Error(`${file} never got a line`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const placement of ['thread', 'process'] as const) {
  test(`an exception inside an instance (${placement}) fails the run: exit 3, the instance, component and time named`, async (t) => {
    const out = outDir();
    const run = start(['configs/phold.ts', '--inst', 'linear4', '--placement', placement, '--set', 'failAt=40us', '--until', '1s', '--profile', '50ms', '--out', out]);
    const { code, at } = await run.exited;
    const { stderr } = run.output();
    assert.equal(code, 3, stderr);
    assert.match(stderr, /splitsim: run failed: instance i3: component node63 failed at 40(\.\d+)?us \(event \d+\): injected failure/);
    const info = json(join(out, 'run.json'));
    assert.equal(info.status, 'failed');
    assert.equal(info.failure.instance, 'i3');
    assert.equal(info.failure.component, 'node63');
    assert.ok(info.failure.time >= 40e6 && info.failure.time < 41e6, String(info.failure.time));
    assert.ok(existsSync(join(out, 'plan.json')));
    assert.equal(existsSync(join(out, 'metrics.json')), false, 'a failed run writes no statistics');
    assert.match(readFileSync(join(out, 'run.log'), 'utf8'), /failed: instance i3/);
    // The failing instance's profile log ends with its failure; from then to the exit is how long the run took to end.
    const last = lines(join(out, 'profile', 'i3.jsonl')).at(-1);
    assert.equal(last.final, true);
    assert.equal(last.status, 'failed');
    t.diagnostic(`ended ${((at - last.wallNs) / 1e6).toFixed(0)} ms after the exception`);
    assert.ok(at - last.wallNs < HANG_MS * 1e6);
    for (const pid of run.pids.values()) assert.equal(alive(pid), false, `instance process ${pid} is gone`);
  });
}

test('a killed child process fails the run: exit 3, the instance and the signal named, no process left', async (t) => {
  const out = outDir();
  const run = start(['configs/phold.ts', '--inst', 'linear4', '--placement', 'process', '--until', '10s', '--profile', '50ms', '--out', out]);
  await waitForLine(join(out, 'profile', 'i2.jsonl'));
  const victim = run.pids.get('i2')!;
  assert.ok(victim > 0);
  const killedAt = wallNow();
  process.kill(victim, 'SIGKILL');
  const { code, at } = await run.exited;
  const { stderr } = run.output();
  assert.equal(code, 3, stderr);
  assert.match(stderr, new RegExp(`instance i2 \\(process ${victim}\\) ended unexpectedly: signal SIGKILL`));
  t.diagnostic(`ended ${((at - killedAt) / 1e6).toFixed(0)} ms after the kill`);
  const info = json(join(out, 'run.json'));
  assert.equal(info.status, 'failed');
  assert.equal(info.failure.instance, 'i2');
  assert.equal(run.pids.size, 4);
  for (const pid of run.pids.values()) assert.equal(alive(pid), false, `instance process ${pid} is gone`);
  // The survivors closed their profile logs as failed.
  for (const name of ['i0', 'i1', 'i3']) assert.equal(lines(join(out, 'profile', `${name}.jsonl`)).at(-1).status, 'failed');
});

for (const placement of ['thread', 'process'] as const) {
  test(`Ctrl-C (${placement}) interrupts the run: exit 130, statistics so far kept and marked interrupted`, async (t) => {
    const out = outDir();
    const run = start(['configs/phold.ts', '--inst', 'linear2', '--placement', placement, '--until', '10s', '--profile', '50ms', '--out', out]);
    await waitForLine(join(out, 'profile', 'i1.jsonl'));
    const sentAt = wallNow();
    // A terminal sends SIGINT to the whole foreground process group.
    process.kill(-run.child.pid!, 'SIGINT');
    const { code, at } = await run.exited;
    const { stderr } = run.output();
    assert.equal(code, 130, stderr);
    t.diagnostic(`ended ${((at - sentAt) / 1e6).toFixed(0)} ms after SIGINT`);
    const info = json(join(out, 'run.json'));
    assert.equal(info.status, 'interrupted');
    const metrics = json(join(out, 'metrics.json'));
    assert.equal(metrics.totals.stopReason, 'interrupted');
    assert.equal(metrics.components.length, 64);
    assert.ok(metrics.totals.events > 0);
    for (const name of ['i0', 'i1']) {
      const last = lines(join(out, 'profile', `${name}.jsonl`)).at(-1);
      assert.equal(last.final, true);
      assert.equal(last.status, 'interrupted');
    }
    for (const pid of run.pids.values()) assert.equal(alive(pid), false, `instance process ${pid} is gone`);
  });
}

test('what a parallel run cannot do is refused before anything starts, with exit code 2', () => {
  const r = spawnSync(process.execPath, [bin, 'run', 'configs/phold.ts', '--inst', 'linear2', '--max-events', '100'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-events needs a run in one instance/);
  const p = spawnSync(process.execPath, [bin, 'run', 'configs/phold.ts', '--profile', '10ms'], { cwd: root, encoding: 'utf8' });
  assert.equal(p.status, 2);
  assert.match(p.stderr, /--profile 10ms: the interval must be at least 50ms/);
});
