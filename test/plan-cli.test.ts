import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { parsePlan } from '@splitsim/instantiation';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would. */
function splitsim(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['packages/splitsim/bin/splitsim.js', ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Started together: each child pays the TypeScript loader's start-up, so let them overlap.
const small = ['--set', 'blocks=2', '--set', 'racksPerBlock=3', '--set', 'hostsPerRack=4'];
const runs = {
  bad: splitsim('plan', 'test/fixtures/bad-config.ts'),
  mmcJson: splitsim('plan', 'configs/mmc.ts', '--json', '--seed', '7'),
  list: splitsim('plan', 'configs/datacenter.ts', '--list'),
  cr3: splitsim('plan', 'configs/datacenter.ts', '--inst', 'cr3', ...small, '--set', 'detailedHosts=2'),
  dot: splitsim('plan', 'configs/datacenter.ts', '--inst', 'rs', ...small, '--set', 'detailedHosts=0', '--dot'),
};

test('a config with ten mistakes: all ten reported with their paths, exit non-zero, no stack trace', async () => {
  const r = await runs.bad;
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^splitsim: test\/fixtures\/bad-config.ts: the plan has 10 problems:\n/);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
  assert.equal(lines.length, 10, r.stderr);
  const expected = [
    /^ {2}- h0: unknown parameter "coress" \(did you mean "cores"\?\)/,
    /^ {2}- h1: clock: cannot read "3 GHZ" as a frequency/,
    /^ {2}- h2: no model chosen for kind host/,
    /^ {2}- rtr: unknown kind "router"/,
    /^ {2}- link src\.out ↔ srv\.in: has zero latency, so it cannot be cut/,
    /^ {2}- link srv\.out ↔ snk\.in: is marked noCut but the partition puts its ends in srv and snk/,
    /^ {2}- link src2\.output ↔ srv2\.in: model source\.poisson \(source\) has no port "output"/,
    /^ {2}- srv3: no model module provides model "server\.psychic"/,
    /^ {2}- snk: model "server\.fifo" simulates server, not sink/,
    /^ {2}- channel srv2↔snk2: syncInterval 2us is above the channel's lookahead 1us/,
  ];
  for (const re of expected) assert.equal(lines.filter((l) => re.test(l)).length, 1, `${re}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.doesNotMatch(r.stderr, /internal error/);
});

test('--json prints the plan, which parses and checks', async () => {
  const r = await runs.mmcJson;
  assert.equal(r.code, 0, r.stderr);
  const plan = parsePlan(r.stdout);
  assert.equal(plan.seed, 7);
  assert.deepEqual(plan.instances.map((i) => [i.name, i.components, i.placement]), [['all', [0, 1, 2], { kind: 'thread' }]]);
  assert.deepEqual(plan.channels, []);
});

test('--list names every instantiation of the datacenter', async () => {
  const r = await runs.list;
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['s', 'ab', 'ac', 'cr', 'cr3', 'cr6', 'rs', 'custom', 'auto8']) assert.match(r.stdout, new RegExp(`\\n {2}${name} +\\S`), name);
  assert.match(r.stdout, /instantiations \(default cr3\):/);
});


test('datacenter cr3: the plan', async () => {
  const r = await runs.cr3;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^datacenter\/cr3: 35 components in 3 instances, 2 channels\n/);
  assert.match(r.stdout, /\ninstances\n +# +name +placement +components +by kind\n +0 +core +thread +3 +switch 3\n +1 +racks0-2 +thread +16 +host 12, switch 3, nic 1\n/);
  assert.match(r.stdout, /\nchannels\n +# +name +links +lookahead +sync interval +traffic\n +0 +core↔racks0-2 +3 +500ns +500ns +both ways\n/);
  assert.match(r.stdout, /\ntotals\n {2}components {2}35 \(host 24, switch 9, nic 2\)\n {2}models {6}switch\.packet 9, host\.protocol 22, host\.detailed 2, nic\.detailed 2\n {2}links {7}34, 6 cut\n/);
});

test('--dot prints the instance graph', async () => {
  const r = await runs.dot;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^graph "datacenter\/rs" \{\n/);
  // rs on 2 blocks × 3 racks: core, 2 aggregation switches, 6 racks; a channel per uplink.
  assert.equal(r.stdout.match(/\[label="(core|block\d-agg|block\d-rack\d)\\n/g)!.length, 9);
  assert.equal(r.stdout.match(/ -- /g)!.length, 8);
});
