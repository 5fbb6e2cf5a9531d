import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SplitSimError } from '@splitsim/kernel';
import { expandGrid, mergeShards, parseShard, shardFile, sweepCsv, type GridAxis, type SweepIdentity, type SweepPoint } from '@splitsim/runtime';

/**
 * `splitsim sweep --shard i/N` and `--merge`: a grid run across machines (a Kubernetes Indexed
 * Job, one pod per shard), then joined into the one CSV (packages/runtime/src/sweep-shards.ts).
 */
export function shardOf(text: string | undefined): ReturnType<typeof parseShard> | undefined {
  return text === undefined ? undefined : parseShard(text);
}

/** The file one shard is written to: `out`, by default <config>-shard-<i>-of-<N>.json; checked before the shard runs. */
export function shardPath(out: string | undefined, config: string, shard: NonNullable<ReturnType<typeof shardOf>>): string {
  const file = out ?? `${config}-shard-${shard.index + 1}-of-${shard.count}.json`;
  if (!file.endsWith('.json')) throw new SplitSimError('E_CONFIG', `--out ${file}: a shard is written as JSON (name it .json); --merge joins shards into the CSV`, { field: '--out' });
  return file;
}

/** Writes one shard's points to `file` (shardPath). */
export function writeShard(file: string, identity: SweepIdentity, axes: GridAxis[], shard: NonNullable<ReturnType<typeof shardOf>>, points: SweepPoint[]): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, shardFile(identity, shard, expandGrid(axes).length, points));
  return file;
}

/** `--merge a.json b.json …`: the CSV the whole sweep would have written. */
export function mergeCommand(files: readonly string[], out: string | undefined, quiet: boolean): void {
  const { sweep, points } = mergeShards(files);
  const file = out ?? `${sweep.config}-sweep.csv`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, sweepCsv(sweep.axes, points));
  if (!quiet) process.stdout.write(`${sweep.config} sweep: ${points.length} points from ${files.length} shard(s)\n  csv ${file}\n`);
}
