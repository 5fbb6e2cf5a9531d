// Bad input to rebalance, tune and --partition-file: one line naming the file or option per
// problem, exit code 2, no stack trace, nothing run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'bin', 'splitsim.js');
const splitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-tuning-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const file = (name: string, content: unknown) => {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const doc = (instances: unknown[], system = { config: 'phold', components: 64 }) => ({ splitsim: 'partition', version: 1, system, instances });

test('bad input: the file or option named, exit 2, no stack trace', () => {
  const v1 = join(scratch, 'v1');
  cpSync(join(root, 'test/fixtures/profile-unbalanced4'), v1, { recursive: true });
  const cases: Array<[string[], RegExp]> = [
    [['rebalance', join(scratch, 'nope')], /nope: no such run directory/],
    [['rebalance', v1], /log format version 1 has no component costs; profile the run again/],
    [['rebalance', v1, '--cores', '0'], /--cores.*"0" is not a positive whole number/],
    [['tune', 'configs/phold.ts', '--inst', 'linear1'], /--budget: say how much wall-clock time/],
    [['tune', 'configs/phold.ts', '--budget', '10ms'], /--budget 10ms: give at least 1s/],
    [['tune', 'configs/phold.ts', '--budget', '5s', '--machine', file('machine.json', { burst: 'high' })], /--machine .*machine\.json: burst: /],
    [['run', 'configs/phold.ts', '--partition-file', join(scratch, 'missing.json')], /--partition-file .*missing\.json: no such file/],
    [['run', 'configs/phold.ts', '--partition-file', file('bad.json', '{ not json')], /bad\.json: not JSON/],
    [['run', 'configs/phold.ts', '--partition-file', file('dc.json', doc([{ name: 'a', components: ['**'] }], { config: 'datacenter', components: 1243 }))], /made for config "datacenter", not "phold"/],
    [['run', 'configs/phold.ts', '--partition-file', file('size.json', doc([{ name: 'a', components: ['node*'] }], { config: 'phold', components: 32 }))], /size\.json: was made for a system of 32 components/],
    [['run', 'configs/phold.ts', '--partition-file', file('typo.json', doc([{ name: 'a', components: ['nod*'] }, { name: 'b', ids: ['0-70'] }]))], /typo\.json instance b: ids "0-70": the system has ids 0 to 63/],
    [['run', 'configs/phold.ts', '--partition-file', file('unknown.json', { ...doc([{ name: 'a', components: ['node*'] }]), colour: 'red' })], /unknown\.json .*colour|unrecognized key.*colour/i],
  ];
  for (const [args, pattern] of cases) {
    const r = splitsim(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${args.join(' ')}: no stack trace`);
  }
});

test('a partition file with every problem reports them all at once', () => {
  const bad = file('many.json', doc([{ name: 'a', components: ['node1?', 'nothing/**'] }, { name: 'b', ids: [3, '5-9'] }, { name: 'c', ids: [9] }]));
  const r = splitsim('run', 'configs/phold.ts', '--partition-file', bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /pattern "nothing\/\*\*" matches no component/);
  assert.match(r.stderr, /component 9 \(node9\) is also in instance b/);
  assert.match(r.stderr, /are in no instance/);
});
