// Bad input to rebalance, tune and --partition-file: one line naming the file or option per
// problem, exit code 2, no stack trace, nothing run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { instantiate, partitionFromFile, readPartitionFile } from '@splitsim/instantiation';
import config from '../configs/phold.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
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
    [['rebalance', v1, '--cores', '0'], /--cores.*"0" is not a whole number ≥ 1/],
    [['tune', 'configs/phold.ts', '--budget', '10ms'], /--budget 10ms: give at least 1s/],
    [['run', 'configs/phold.ts', '--partition-file', join(scratch, 'missing.json')], /--partition-file .*missing\.json: no such file/],
    [['run', 'configs/phold.ts', '--partition-file', file('dc.json', doc([{ name: 'a', components: ['**'] }], { config: 'datacenter', components: 1243 }))], /made for config "datacenter", not "phold"/],
  ];
  for (const [args, pattern] of cases) {
    const r = splitsim(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${args.join(' ')}: no stack trace`);
  }
});

/** The problems instantiating PHOLD with a partition file gives, as one message. */
function problemsOf(path: string): string {
  const system = config.system(config.params.parse({}));
  try {
    const { partition, placement } = partitionFromFile(readPartitionFile(path), path);
    instantiate(system, { partition, placement }, { config: 'phold', instantiation: 'x', seed: 1 });
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

test('partition files: each problem names the file, all of them at once', () => {
  assert.match(problemsOf(file('bad.json', '{ not json')), /bad\.json: not JSON/);
  assert.match(problemsOf(file('size.json', doc([{ name: 'a', components: ['node*'] }], { config: 'phold', components: 32 }))), /size\.json: was made for a system of 32 components/);
  assert.match(problemsOf(file('range.json', doc([{ name: 'a', components: ['nod*'] }, { name: 'b', ids: ['0-70'] }]))), /range\.json instance b: ids "0-70": the system has ids 0 to 63/);
  assert.match(problemsOf(file('unknown.json', { ...doc([{ name: 'a', components: ['node*'] }]), colour: 'red' })), /unknown\.json.*colour/s);
  assert.match(problemsOf(file('twice.json', doc([{ name: 'a', components: ['node*'] }, { name: 'a', ids: [1] }]))), /instance name "a" is used twice/);
  const many = problemsOf(file('many.json', doc([{ name: 'a', components: ['node1?', 'nothing/**'] }, { name: 'b', ids: [3, '5-9'] }, { name: 'c', ids: [9] }])));
  assert.match(many, /the plan has \d+ problems/);
  assert.match(many, /pattern "nothing\/\*\*" matches no component/);
  assert.match(many, /component 9 \(node9\) is also in instance b/);
  assert.match(many, /are in no instance/);
});
