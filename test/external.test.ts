/**
 * External instances (docs/external-protocol.md): an M/M/1 and an M/D/1 queue whose server runs
 * in the Python or the C reference adapter, the Poisson source and the sink in our instances
 * (test/fixtures/external/mm1.ts). The mean response lies within the 95 % confidence interval
 * around the formula; the same seed gives the same bytes; a 2-instance and a 3-instance plan (the
 * external in the middle) agree byte for byte, and so do the two adapters; a profiled run's WTPG
 * names the external instance. Then the faults, through `splitsim run` as a user meets them: an
 * adapter that exits mid-run, sends garbage, never says HELLO, breaks a promise or speaks
 * another version fails the run with exit code 3, naming it; the run directory stays; no
 * process is left. How long each took to end is printed as a diagnostic, never asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEC } from '@splitsim/kernel';
import { loadConfig, planConfig, runParallel, writeRunDirectory } from '@splitsim/runtime';
import { makeC, noC, noPython, root } from './support/adapters.ts';

const CONFIG = join(root, 'test', 'fixtures', 'external', 'mm1.ts');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
const HANG_MS = 20_000;
const skipBoth = noPython || noC;
if (!noC) makeC();

const tmp = () => mkdtempSync(join(tmpdir(), 'splitsim-external-'));

/** Runs the fixture in this process; returns metrics.json's bytes and the server's statistics. */
async function run(inst: 'two' | 'three', set: Record<string, unknown>, seed = 1) {
  const loaded = await loadConfig(CONFIG, set);
  const { plan } = planConfig(loaded, CONFIG, inst, seed);
  const r = await runParallel(plan, {});
  assert.equal(r.status, 'completed', r.failure?.message);
  const dir = tmp();
  writeRunDirectory(dir, { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: r.status, log: r.log });
  const server = r.metrics!.find((m) => m.path === 'server')!.stats as Record<string, any>;
  return { bytes: readFileSync(join(dir, 'metrics.json'), 'utf8'), server, runSeconds: r.runSeconds };
}

/** The formula's value lies in the batch-means 95 % interval, and the interval is narrow enough to mean something. */
function withinCi(server: Record<string, any>, expectedSec: number, jobs: number) {
  assert.equal(server.served, jobs);
  const ci = server.responseBatchMeans;
  const mean = ci.mean / SEC;
  const half = ci.halfWidth95 / SEC;
  assert.ok(half < 0.1 * expectedSec, `the 95 % half-width ${half} s is too wide to test against ${expectedSec} s`);
  assert.ok(Math.abs(mean - expectedSec) <= half, `mean response ${mean} s ± ${half} s does not contain the formula's ${expectedSec} s`);
}

// λ = 50 000/s, mean service 10 µs: ρ = 0.5.
const LAMBDA = 50_000;
const MU = 100_000;
const RHO = LAMBDA / MU;
const MM1 = 1 / (MU - LAMBDA);
const MD1 = 1 / MU + RHO / (2 * MU * (1 - RHO));
const JOBS = 20_000;

let python: string | null = null;

test('M/M/1 with the server in the Python adapter: mean response within the 95 % interval of 1/(μ − λ)', { skip: noPython }, async (t) => {
  const r = await run('two', { adapter: 'python', jobs: JOBS });
  t.diagnostic(`${JOBS} jobs in ${r.runSeconds.toFixed(2)} s after start-up`);
  withinCi(r.server, MM1, JOBS);
  python = r.bytes;
});

test('the C adapter gives the same bytes as the Python adapter, and M/D/1 agrees with Pollaczek-Khinchine', { skip: skipBoth }, async (t) => {
  const c = await run('two', { adapter: 'c', jobs: JOBS });
  t.diagnostic(`${JOBS} jobs in ${c.runSeconds.toFixed(2)} s after start-up`);
  withinCi(c.server, MM1, JOBS);
  assert.ok(python !== null, 'the Python run above ran');
  assert.equal(c.bytes, python);
  const d = await run('two', { adapter: 'c', service: 'deterministic', jobs: JOBS });
  withinCi(d.server, MD1, JOBS);
  assert.equal(d.server.response.min, 10 * 1e6, 'a job that never waits spends exactly the 10 µs of service');
});

test('the same seed gives the same bytes; a 3-instance plan with the external in the middle gives the 2-instance bytes', { skip: noPython }, async () => {
  const set = { adapter: 'python', jobs: 3000 };
  const a = await run('two', set, 7);
  const b = await run('two', set, 7);
  const three = await run('three', set, 7);
  assert.equal(b.bytes, a.bytes);
  assert.equal(three.bytes, a.bytes);
  assert.notEqual((await run('two', set, 8)).bytes, a.bytes, 'another seed, other numbers');
});

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** `splitsim run` on the fixture, in its own process group; resolves with its exit, output and the external's pid. */
function cli(args: string[]) {
  const child = spawn(process.execPath, [bin, 'run', CONFIG, ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), HANG_MS);
  return new Promise<{ code: number | null; stderr: string; stdout: string; pid: number; at: number }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      const pid = Number(/instance servers: external pid (\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ code, stderr, stdout, pid, at: Date.now() });
    }),
  );
}

test('a profiled run: the external instance has its profile log, and the WTPG names it', { skip: noC }, async () => {
  const out = join(tmp(), 'run');
  const r = await cli(['--inst', 'three', '--set', 'adapter=c', '--set', 'jobs=200000', '--profile', '50ms', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(join(out, 'profile', 'servers.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 2, 'samples and a final line');
  const last = lines.at(-1);
  assert.equal(last.final, true);
  assert.equal(last.status, 'completed');
  assert.deepEqual(last.channels.map((c: { channel: string }) => c.channel), ['front↔servers', 'servers↔back']);
  assert.equal(last.channels[0].rxMsgs, 200_000);
  const wtpg = JSON.parse(readFileSync(join(out, 'wtpg.json'), 'utf8'));
  assert.ok(JSON.stringify(wtpg.nodes ?? wtpg).includes('"servers"'), 'the WTPG has a node for the external instance');
  assert.match(r.stdout, /servers/);
});

const faults: Array<[fault: string, expected: RegExp]> = [
  ['exit', /instance servers \(external process \d+: python3 \S+faulty\.py exit\) ended unexpectedly: exit code 3/],
  ['garbage', /channel ours↔servers: instance servers sent a malformed record: a frame header 0x41414141 0x41414141: its second header word is 0x41414141, not 0/],
  ['silent', /instance servers \(external process \d+: python3 \S+faulty\.py silent\) did not say HELLO within 1 s of its start/],
  ['promise', /channel ours↔servers: instance servers broke its promise: it sent a message for 5ns after it promised nothing before 1s/],
  ['version', /instance servers \(external process \d+: .*\) broke the control protocol: it speaks protocol version 2; this orchestrator speaks version 1/],
];

for (const [fault, expected] of faults) {
  test(`an adapter that ${fault === 'exit' ? 'exits mid-run' : fault === 'garbage' ? 'sends garbage' : fault === 'silent' ? 'never says HELLO' : fault === 'promise' ? 'breaks a promise' : 'speaks another version'} fails the run: exit 3, named, run directory kept, no process left`, { skip: noPython }, async (t) => {
    const out = join(tmp(), 'run');
    // Only the program that never says HELLO waits for the start deadline; 1 s keeps the test short.
    const timeout = fault === 'silent' ? ['--set', 'startTimeout=1s'] : [];
    const r = await cli(['--inst', 'faulty', '--set', `fault=${fault}`, ...timeout, '--set', 'jobs=5000', '--out', out]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, expected);
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    assert.equal(info.status, 'failed');
    assert.match(info.failure.message, expected);
    assert.match(readFileSync(join(out, 'run.log'), 'utf8'), /instance servers: external pid \d+/);
    assert.ok(readFileSync(join(out, 'plan.json'), 'utf8').includes('"external"'));
    assert.ok(r.pid > 0, 'the external process was started');
    assert.equal(alive(r.pid), false, `external process ${r.pid} is gone`);
    const faultNs = Number(/fault \w+ at (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(faultNs > 0, 'the program said when it misbehaved');
    const after = r.at - faultNs / 1e6 - (fault === 'silent' ? 1000 : 0);
    t.diagnostic(`splitsim run exited ${after.toFixed(0)} ms after the fault${fault === 'silent' ? ' and the 1 s start deadline' : ''}`);
  });
}
