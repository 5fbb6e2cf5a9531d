/**
 * The datacenter config on three runner processes, each in its own network namespace where the
 * test runs as root (loopback otherwise; the test prints which): metrics.json byte-identical to
 * the same plan run on one machine, the profile and the WTPG holding the remote instances, no
 * instance left on any runner. Then the same with 5 ms of delay and 0.1 % loss between them
 * (tc netem, or the userspace delay line where the kernel lacks netem): the same bytes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNet, type TestNet } from './support/netns.ts';
import { coordinator, settledStatus, startRunnerProc, tokenFile, type RunnerProc } from './support/runners.ts';

const small = ['--set', 'blocks=2', '--set', 'racksPerBlock=3', '--set', 'hostsPerRack=4', '--set', 'detailedHosts=2', '--set', 'sendingShare=0.5'];
const out = mkdtempSync(join(tmpdir(), 'splitsim-distributed-'));
const token = tokenFile();

async function runnersOn(net: TestNet): Promise<RunnerProc[]> {
  return Promise.all(['a', 'b', 'c'].map((name, k) => startRunnerProc(net, k, name, token.file)));
}

const list = (rs: RunnerProc[]) => rs.map((r) => `${r.name}=${r.address}`).join(',');

async function run(args: string[]): Promise<{ code: number; stderr: string; wall: number }> {
  const t0 = performance.now();
  const c = coordinator(args);
  const { code } = await c.done;
  return { code, stderr: c.stderr, wall: (performance.now() - t0) / 1000 };
}

let net: TestNet;
let runners: RunnerProc[] = [];

before(async () => {
  net = await testNet(3);
  runners = await runnersOn(net);
});

after(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  net.close();
});

test('datacenter on three runners: metrics.json byte-identical to one machine; profile and WTPG name every remote instance', async () => {
  console.log(`# network: ${net.mode}${net.why ? ` (${net.why})` : ''}; runners ${list(runners)}`);
  // cr: the switches, and each rack apart: 7 instances dealt over 3 runners (3, 2, 2), so some
  // channels are rings within a runner and the others WebSockets between runners.
  const local = await run(['configs/datacenter.ts', '--inst', 'cr', ...small, '--until', '200us', '--placement', 'thread', '--out', join(out, 'local'), '--quiet']);
  assert.equal(local.code, 0, local.stderr);
  const remote = await run(['configs/datacenter.ts', '--inst', 'cr', ...small, '--until', '200us', '--runners', list(runners), '--token-file', token.file, '--runner-timeout', '10s', '--profile', '100ms', '--out', join(out, 'remote'), '--quiet']);
  assert.equal(remote.code, 0, remote.stderr);
  const expected = readFileSync(join(out, 'local', 'metrics.json'));
  assert.ok(expected.length > 1000);
  assert.ok(readFileSync(join(out, 'remote', 'metrics.json')).equals(expected), 'metrics.json differs from the one-machine run');
  console.log(`# wall: one machine (7 threads) ${local.wall.toFixed(1)} s, three runners ${remote.wall.toFixed(1)} s`);

  const plan = JSON.parse(readFileSync(join(out, 'remote', 'plan.json'), 'utf8')) as { instances: Array<{ name: string; placement: { kind: string; runner?: string } }> };
  assert.deepEqual([...new Set(plan.instances.map((i) => i.placement.runner))].sort(), ['a', 'b', 'c']);
  const names = plan.instances.map((i) => i.name).sort();
  assert.deepEqual(readdirSync(join(out, 'remote', 'profile')).map((f) => f.replace(/\.jsonl$/, '')).sort(), names);
  for (const name of names) {
    const lines = readFileSync(join(out, 'remote', 'profile', `${name}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { final: boolean; status?: string });
    assert.equal(lines.at(-1)!.final, true, `${name}: its final profile line came home`);
    assert.equal(lines.at(-1)!.status, 'completed');
  }
  const wtpg = JSON.parse(readFileSync(join(out, 'remote', 'wtpg.json'), 'utf8')) as { nodes: Array<{ key: string }> };
  const nodes = wtpg.nodes.map((n) => n.key).sort();
  assert.deepEqual(nodes, names);
  for (const r of runners) {
    const s = await settledStatus(r.address, token.token);
    assert.deepEqual({ runs: s.runs, instances: s.instances }, { runs: 0, instances: 0 }, `runner ${r.name} still serves something`);
    assert.ok(r.log.some((l) => /run \S+ of coordinator .*: instances .* as runner/.test(l)), `runner ${r.name} logged its share`);
  }
});

test('the same under 5 ms delay and 0.1 % loss between the runners: same bytes, slower', async () => {
  // ac: the core and each block: three instances, one per runner, every channel a WebSocket.
  const args = ['configs/datacenter.ts', '--inst', 'ac', ...small, '--until', '100us', '--quiet'];
  const local = await run([...args, '--placement', 'thread', '--out', join(out, 'ac-local')]);
  assert.equal(local.code, 0, local.stderr);
  const plain = await run([...args, '--runners', list(runners), '--token-file', token.file, '--runner-timeout', '10s', '--out', join(out, 'ac-plain')]);
  assert.equal(plain.code, 0, plain.stderr);
  const slow = await testNet(3, { delayMs: 5, loss: 0.001 });
  const slowRunners = slow.mode === 'netns' ? await runnersOn(slow) : runners;
  try {
    console.log(`# network: ${slow.mode}${slow.why ? ` (${slow.why})` : ''}; delay and loss: ${slow.impaired}`);
    const impaired = await run([...args, '--runners', list(slowRunners), '--token-file', token.file, '--runner-timeout', '10s', '--out', join(out, 'ac-slow')]);
    assert.equal(impaired.code, 0, impaired.stderr);
    const expected = readFileSync(join(out, 'ac-local', 'metrics.json'));
    assert.ok(readFileSync(join(out, 'ac-plain', 'metrics.json')).equals(expected), 'three runners differ from one machine');
    assert.ok(readFileSync(join(out, 'ac-slow', 'metrics.json')).equals(expected), 'three runners under delay and loss differ from one machine');
    console.log(`# wall: one machine ${local.wall.toFixed(1)} s, three runners ${plain.wall.toFixed(1)} s, with 5 ms delay and 0.1 % loss (${slow.impaired}) ${impaired.wall.toFixed(1)} s`);
  } finally {
    if (slowRunners !== runners) await Promise.all(slowRunners.map((r) => r.stop()));
    slow.close();
  }
});
