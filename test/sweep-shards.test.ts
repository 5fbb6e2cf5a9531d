/**
 * A sweep split across machines: `--shard i/N` runs every N-th grid point (i from
 * JOB_COMPLETION_INDEX with `--shard /N`, as in a Kubernetes Indexed Job) and `--merge` joins the
 * shard files into the CSV the whole sweep writes, byte for byte; a missing shard is refused by
 * name, exit 2 (the other refusals: packages/runtime/src/sweep-shards.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './support/runners.ts';

function splitsim(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

test('sweep --shard i/N and --merge: the merged CSV is the whole sweep\'s, byte for byte', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-shards-'));
  const sweep = ['sweep', 'configs/mmc.ts', '--set', 'jobs=2000', '--grid', 'lambda=50,70,90', '--grid', 'c=1,2', '--replications', '2', '--workers', '0', '--quiet'];
  const [whole, s1, s2, s3] = await Promise.all([
    splitsim([...sweep, '--out', join(dir, 'whole.csv')]),
    splitsim([...sweep, '--shard', '1/3', '--out', join(dir, 's1.json')]),
    // As a pod of an Indexed Job: JOB_COMPLETION_INDEX is 0-based.
    splitsim([...sweep, '--shard', '/3', '--out', join(dir, 's2.json')], { JOB_COMPLETION_INDEX: '1' }),
    splitsim([...sweep, '--shard', '3/3', '--out', join(dir, 's3.json')]),
  ]);
  for (const r of [whole, s1, s2, s3]) assert.equal(r.code, 0, r.stderr);
  const shard = JSON.parse(readFileSync(join(dir, 's2.json'), 'utf8')) as { shard: { index: number }; points: Array<{ index: number }> };
  assert.deepEqual({ shard: shard.shard.index, points: shard.points.map((p) => p.index) }, { shard: 1, points: [1, 4] });
  const merged = await splitsim(['sweep', '--merge', join(dir, 's3.json'), join(dir, 's1.json'), join(dir, 's2.json'), '--out', join(dir, 'merged.csv')]);
  assert.equal(merged.code, 0, merged.stderr);
  const csv = readFileSync(join(dir, 'whole.csv'), 'utf8');
  assert.equal(csv.trim().split('\n').length, 7);
  assert.equal(readFileSync(join(dir, 'merged.csv'), 'utf8'), csv);

  const missing = await splitsim(['sweep', '--merge', join(dir, 's1.json'), join(dir, 's3.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^splitsim: --merge: 2 of 6 points are missing \(shard 2 of 3\)$/m);
  // A point twice, shards of two sweeps and bad shard numbers: packages/runtime/src/sweep-shards.test.ts.
});
