import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from './replications.ts';
import { inShard, mergeShards, parseShard, shardFile, type SweepIdentity } from './sweep-shards.ts';
import { expandGrid, parseGrid, sweepCsv, type SweepPoint } from './sweep.ts';

test('shards: i/N is 1-based, /N reads the 0-based JOB_COMPLETION_INDEX, every point in exactly one shard', () => {
  assert.deepEqual(parseShard('2/3'), { index: 1, count: 3 });
  assert.deepEqual(parseShard('/3', { JOB_COMPLETION_INDEX: '2' }), { index: 2, count: 3 });
  assert.throws(() => parseShard('0/3'), /shard 0 of 3 does not exist/);
  assert.throws(() => parseShard('/3', { JOB_COMPLETION_INDEX: '3' }), /shard 4 of 3 does not exist/);
  assert.throws(() => parseShard('/3', { JOB_COMPLETION_INDEX: 'x' }), /JOB_COMPLETION_INDEX is "x"/);
  assert.throws(() => parseShard('2of3'), /write i\/N/);
  assert.throws(() => parseShard('1/0'), /write i\/N/);
  for (let p = 0; p < 10; p++) assert.equal([0, 1, 2].filter((index) => inShard(p, { index, count: 3 })).length, 1);
});

test('merge: one replication (ci95 Infinity, null in JSON) gives the same CSV as the whole sweep', () => {
  const axes = parseGrid(['x=1,2,3']);
  const run = (v: number) => ({ seed: 1, figures: [{ name: 'w', value: v, expected: 1 }], values: {}, events: 0, simulatedTime: 0, wallSeconds: 0.5 });
  const points: SweepPoint[] = expandGrid(axes).map((params, index) => ({ index, params, runs: [run(index)], aggregate: aggregate([run(index)]) }));
  const sweep: SweepIdentity = { config: 't', axes, overrides: {}, replications: 1, seed: 1, inst: null, until: null };
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-shard-unit-'));
  const files = [0, 1].map((index) => {
    const file = join(dir, `s${index}.json`);
    const shard = { index, count: 2 };
    writeFileSync(file, shardFile(sweep, shard, points.length, points.filter((p) => inShard(p.index, shard))));
    return file;
  });
  const merged = mergeShards(files.reverse());
  assert.deepEqual(merged.points.map((p) => p.index), [0, 1, 2]);
  assert.equal(sweepCsv(merged.sweep.axes, merged.points), sweepCsv(axes, points));
  assert.throws(() => mergeShards([files[0]!, files[0]!]), /point \d is in both/);
  const other = join(dir, 'other.json');
  writeFileSync(other, shardFile({ ...sweep, seed: 9 }, { index: 0, count: 2 }, points.length, points.filter((p) => inShard(p.index, { index: 0, count: 2 }))));
  assert.throws(() => mergeShards([files[1]!, other]), /other\.json is a shard of another sweep than \S+s\d\.json/);
  writeFileSync(join(dir, 'bad.json'), '{"format":"other"}');
  assert.throws(() => mergeShards([join(dir, 'bad.json')]), /not a sweep shard file/);
  assert.throws(() => mergeShards([]), /name the shard files/);
});
