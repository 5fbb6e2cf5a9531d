import { readFileSync } from 'node:fs';
import { SplitSimError } from '@splitsim/kernel';
import type { GridAxis, SweepPoint } from './sweep.ts';

/**
 * A sweep across machines: `splitsim sweep --shard i/N` runs every N-th point of the grid (the
 * points whose index is i − 1 modulo N, so each shard gets a share of every part of the grid)
 * and writes them as a shard file; `splitsim sweep --merge` joins the shard files into the CSV
 * the whole sweep would have written, byte for byte, after checking that they belong to one
 * sweep and cover every point once. A Kubernetes Indexed Job gives each pod its index in
 * JOB_COMPLETION_INDEX (0-based), which `--shard /N` reads.
 */
export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

export function inShard(point: number, shard: Shard): boolean {
  return point % shard.count === shard.index;
}

/** `i/N` (1-based i), or `/N` with i from JOB_COMPLETION_INDEX (0-based, as Kubernetes sets it). */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^(\d*)\/(\d+)$/.exec(text.trim());
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1)) throw new SplitSimError('E_CONFIG', `--shard ${text}: write i/N (shard i of N, 1-based), or /N to take i from JOB_COMPLETION_INDEX`, { field: '--shard' });
  let index: number;
  if (m[1] !== '') index = Number(m[1]) - 1;
  else {
    const job = env.JOB_COMPLETION_INDEX;
    if (job === undefined || !/^\d+$/.test(job)) throw new SplitSimError('E_CONFIG', `--shard ${text}: no shard number given and JOB_COMPLETION_INDEX is ${job === undefined ? 'not set' : `"${job}"`}`, { field: '--shard' });
    index = Number(job);
  }
  if (!(index >= 0 && index < count)) throw new SplitSimError('E_CONFIG', `--shard ${text}: shard ${index + 1} of ${count} does not exist`, { field: '--shard' });
  return { index, count };
}

/** Everything that makes two shards parts of the same sweep. */
export interface SweepIdentity {
  config: string;
  axes: GridAxis[];
  overrides: Record<string, unknown>;
  replications: number;
  seed: number;
  inst: string | null;
  until: string | null;
}

export interface ShardFile {
  format: 'splitsim-sweep-shard';
  version: 1;
  sweep: SweepIdentity;
  shard: Shard;
  /** Points of the whole grid. */
  total: number;
  points: SweepPoint[];
}

export function shardFile(sweep: SweepIdentity, shard: Shard, total: number, points: SweepPoint[]): string {
  const f: ShardFile = { format: 'splitsim-sweep-shard', version: 1, sweep, shard, total, points };
  return JSON.stringify(f) + '\n';
}

/** Reads shard files and returns the sweep and every point in grid order, or throws naming what is missing or mixed. */
export function mergeShards(files: readonly string[]): { sweep: SweepIdentity; points: SweepPoint[] } {
  if (files.length === 0) throw new SplitSimError('E_CONFIG', '--merge: name the shard files', { field: '--merge' });
  const shards = files.map((file) => {
    let f: ShardFile;
    try {
      f = JSON.parse(readFileSync(file, 'utf8')) as ShardFile;
    } catch (err) {
      throw new SplitSimError('E_CONFIG', `--merge ${file}: not a shard file (${(err as Error).message.split('\n')[0]})`, { file });
    }
    if (f?.format !== 'splitsim-sweep-shard' || f.version !== 1 || !Array.isArray(f.points)) throw new SplitSimError('E_CONFIG', `--merge ${file}: not a sweep shard file (write one with splitsim sweep --shard i/N)`, { file });
    return { file, f };
  });
  const first = shards[0]!;
  const identity = JSON.stringify(first.f.sweep);
  const byIndex = new Map<number, { point: SweepPoint; file: string }>();
  for (const { file, f } of shards) {
    if (JSON.stringify(f.sweep) !== identity || f.total !== first.f.total || f.shard.count !== first.f.shard.count) {
      throw new SplitSimError('E_CONFIG', `--merge: ${file} is a shard of another sweep than ${first.file} (config, grid, parameters, seed, replications or shard count differ)`, { file });
    }
    for (const p of f.points) {
      const seen = byIndex.get(p.index);
      if (seen) throw new SplitSimError('E_CONFIG', `--merge: point ${p.index} is in both ${seen.file} and ${file}`, { file });
      byIndex.set(p.index, { point: p, file });
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < first.f.total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    const shardsMissing = [...new Set(missing.map((i) => (i % first.f.shard.count) + 1))];
    throw new SplitSimError('E_CONFIG', `--merge: ${missing.length} of ${first.f.total} points are missing (shard${shardsMissing.length === 1 ? '' : 's'} ${shardsMissing.join(', ')} of ${first.f.shard.count})`, { missing });
  }
  return { sweep: first.f.sweep, points: [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!.point) };
}
