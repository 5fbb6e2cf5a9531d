/**
 * A runner facing what it must refuse: no token, a wrong token, a plan naming a model module or a
 * model its installation lacks, and 10 000 fuzzed frames (bytes that are not HTTP, truncated
 * handshakes, random and wrongly typed messages, oversized and truncated WebSocket frames, valid
 * messages out of order). Each is refused with a logged reason; the runner keeps serving a valid
 * coordinator afterwards, and its memory stays flat.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { instantiate } from '@splitsim/instantiation';
import { CONTROL_PATH, RUNNER_PROTOCOL } from '@splitsim/runtime';
import { decode, encode } from '../packages/runtime/src/runner-protocol.ts';
import mmc from '../configs/mmc.ts';
import { fuzzRunner } from './support/fuzz-runner.ts';
import { BIN, coordinator, runnerStatus, RunnerProc, tokenFile } from './support/runners.ts';

const token = tokenFile();
let runner: RunnerProc;
/** A runner whose project is an empty folder: it has the built-in models and nothing else. */
let bare: RunnerProc;

function start(name: string, project: string): Promise<RunnerProc> {
  const r = new RunnerProc(name, '127.0.0.1', [process.execPath, '--expose-gc', BIN, 'runner', '--listen', '127.0.0.1:0', '--token-file', token.file, '--project', project]);
  return r.ready().then(() => r);
}

before(async () => {
  const empty = mkdtempSync(join(tmpdir(), 'splitsim-bare-project-'));
  writeFileSync(join(empty, 'package.json'), '{ "name": "bare", "type": "module" }\n');
  [runner, bare] = await Promise.all([start('a', join(import.meta.dirname, '..')), start('bare', empty)]);
});

after(async () => {
  await Promise.all([runner.stop(), bare.stop()]);
});

/** Opens a control connection with these headers; resolves with the HTTP status of a refusal, or 101. */
function handshake(address: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${address}${CONTROL_PATH}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => {});
  });
}

/** Sends one start message and resolves with the runner's answer. */
function startRun(address: string, message: object): Promise<{ t: string; code?: string; reason?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${address}${CONTROL_PATH}`, { headers: { authorization: `Bearer ${token.token}` } });
    ws.on('open', () => ws.send(encode(message)));
    ws.on('message', (d) => {
      resolve(decode(d as Buffer) as { t: string });
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

/** Whether the runner logs a line matching `pattern` within 5 s (its log reaches us through a pipe, after its answer). */
async function lastLog(r: RunnerProc, pattern: RegExp): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < 5000; await new Promise((ok) => setTimeout(ok, 20))) {
    if (r.log.some((l) => pattern.test(l))) return true;
  }
  return false;
}

test('no token and a wrong token: refused before the WebSocket opens, and logged', async () => {
  assert.equal(await handshake(runner.address, {}), 401);
  assert.equal(await handshake(runner.address, { authorization: `Bearer ${'x'.repeat(48)}` }), 401);
  assert.equal(await handshake(runner.address, { authorization: 'Basic abc' }), 401);
  assert.equal(await handshake(runner.address, { authorization: `Bearer ${token.token}` }), 101);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(await lastLog(runner, /refused a connection from 127\.0\.0\.1:\d+: no token/), runner.log.join('\n'));
  assert.ok(await lastLog(runner, /refused a connection from 127\.0\.0\.1:\d+: a wrong token/));
  assert.ok(await lastLog(runner, /refused a connection from 127\.0\.0\.1:\d+: a malformed Authorization header/));
});

test('a plan naming a model module the runner lacks is refused by name; the runner that has it runs it', async () => {
  const out = mkdtempSync(join(tmpdir(), 'splitsim-own-model-'));
  const args = ['test/fixtures/remote/own-model.ts', '--token-file', token.file, '--runner-timeout', '10s'];
  const refused = coordinator([...args, '--runners', `a=${bare.address}`, '--out', join(out, 'refused')]);
  assert.equal((await refused.done).code, 3, refused.stderr);
  assert.match(refused.stderr, /runner a \(127\.0\.0\.1:\d+\) refused the run: this runner lacks model module \.\/own-sink\.ts \(models "sink\.own"\): no file \S+own-sink\.ts in its project/);
  assert.ok(await lastLog(bare, /refused run \S+ of coordinator \S+: this runner lacks model module \.\/own-sink\.ts/), bare.log.join('\n'));
  // The runner started in the project finds the module where the coordinator's project has it.
  const ran = coordinator([...args, '--runners', `a=${runner.address}`, '--out', join(out, 'ran')]);
  assert.equal((await ran.done).code, 0, ran.stderr);
});

test('a plan naming a model no module of the runner provides is refused by name', async () => {
  const p = mmc.params.parse({ jobs: 100 });
  const system = mmc.system(p);
  const plan = instantiate(system, mmc.instantiations.split!(system, p), { config: 'mmc', instantiation: 'split', seed: 1 });
  const sink = plan.components.find((c) => c.kind === 'sink')!;
  const renamed = { ...plan, models: plan.models.map((m) => (m.name === sink.model ? { ...m, name: 'sink.psychic' } : m)), components: plan.components.map((c) => (c === sink ? { ...c, model: 'sink.psychic' } : c)), instances: plan.instances.map((i) => ({ ...i, placement: { kind: 'remote' as const, runner: 'a' } })) };
  const answer = await startRun(runner.address, { t: 'start', protocol: RUNNER_PROTOCOL, run: 'run-psychic-1', runner: 'a', plan: renamed, where: renamed.instances.map(() => 'a'), modules: [{ specifier: 'splitsim/models' }], until: null, profileNs: 0, progressMs: 1000, lostAfterMs: 5000 });
  assert.equal(answer.t, 'refused');
  assert.match(answer.reason!, /model "sink\.psychic" is not provided by model module splitsim\/models here/);
  assert.ok(await lastLog(runner, /refused run run-psychic-1 of coordinator \S+: .*sink\.psychic/));
});

test('a start of another runner protocol is refused as such, whatever fields that version has', async () => {
  // Protocol 1's start: no progressMs, which protocol 2 requires; the version is what the refusal names.
  const v1 = { t: 'start', protocol: 1, run: 'run-v1-0001', runner: 'a', plan: {}, where: ['a'], modules: [], until: null, profileNs: 0, lostAfterMs: 5000 };
  const old = await startRun(runner.address, v1);
  assert.deepEqual(old, { t: 'refused', code: 'E_PROTOCOL', reason: `it speaks runner protocol 1; this runner speaks ${RUNNER_PROTOCOL}` });
  const newer = await startRun(runner.address, { ...v1, protocol: RUNNER_PROTOCOL + 1, somethingNew: true });
  assert.equal(newer.code, 'E_PROTOCOL');
  assert.ok(await lastLog(runner, /refused a start of coordinator \S+: it speaks runner protocol 1; this runner speaks/), runner.log.join('\n'));
});

test('10 000 fuzzed frames: each refused with a logged reason; the runner keeps serving; its memory stays flat', async () => {
  // Warm-up: the code paths of every refusal are compiled and the heap has settled.
  await fuzzRunner('127.0.0.1', runner.port, token.token, 1000, 1);
  const before = await runnerStatus(runner.address, token.token);
  const sent = await fuzzRunner('127.0.0.1', runner.port, token.token, 10_000, 16);
  const afterFuzz = await runnerStatus(runner.address, token.token);
  const refusals = afterFuzz.refused - before.refused;
  console.log(`# fuzz: ${JSON.stringify(sent)}; refusals logged ${refusals}; heap ${(before.heapBytes / 2 ** 20).toFixed(1)} → ${(afterFuzz.heapBytes / 2 ** 20).toFixed(1)} MiB, rss ${(before.rssBytes / 2 ** 20).toFixed(1)} → ${(afterFuzz.rssBytes / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(sent.raw + sent.refusable + sent.broken + sent.valid >= 10_000);
  // Every bad message is one refusal; raw connections and broken frames add their own.
  assert.ok(refusals >= sent.refusable, `${refusals} refusals for ${sent.refusable} bad messages`);
  for (const why of [/not msgpack/, /a text message/, /not a control message/, /before the run started/, /not HTTP/, /Max payload size exceeded/]) {
    assert.ok(await lastLog(runner, why), `no refusal logged as ${why}`);
  }
  // Flat: after a collection the heap is where it was (a leak of a few hundred bytes per frame would show as MBs).
  assert.ok(afterFuzz.heapBytes - before.heapBytes < 8 * 2 ** 20, `heap grew by ${((afterFuzz.heapBytes - before.heapBytes) / 2 ** 20).toFixed(1)} MiB`);
  assert.deepEqual({ runs: afterFuzz.runs, instances: afterFuzz.instances }, { runs: 0, instances: 0 });
  // And a valid coordinator is served as before.
  const out = mkdtempSync(join(tmpdir(), 'splitsim-after-fuzz-'));
  const ok = coordinator(['configs/mmc.ts', '--inst', 'split', '--set', 'jobs=2000', '--runners', `a=${runner.address}`, '--token-file', token.file, '--runner-timeout', '10s', '--out', out]);
  assert.equal((await ok.done).code, 0, ok.stderr);
});
