import { SplitSimError } from '@splitsim/kernel';
import { aggregate, replicationSeeds, runBatch, type Aggregate, type BatchOptions, type ReplicationResult, type ReplicationTask } from './replications.ts';
import { csvField } from './report.ts';
import { inShard, type Shard } from './sweep-shards.ts';

/**
 * Parameter sweeps: a grid of config parameters (`--grid lambda=0.5,0.7,0.9 --grid n=100,1000`),
 * every point run (with replications if asked) on the same worker pool, one CSV row per point.
 */
export interface GridAxis {
  key: string;
  values: unknown[];
}

/** Splits "a,b,[1,2],{"x":1}" at top-level commas. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of text) {
    if (ch === '"') quote = !quote;
    else if (!quote && (ch === '[' || ch === '{')) depth++;
    else if (!quote && (ch === ']' || ch === '}')) depth--;
    if (ch === ',' && depth === 0 && !quote) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** "key=v1,v2,…": each value JSON where it parses ("0.9", "true", "[1,2]"), else a plain string ("10ms"). */
export function parseGrid(specs: readonly string[]): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new SplitSimError('E_CONFIG', `--grid ${spec}: write key=value1,value2,…`, { field: '--grid' });
    const key = spec.slice(0, eq);
    if (axes.some((a) => a.key === key)) throw new SplitSimError('E_CONFIG', `--grid ${key} is given twice; list all its values in one --grid`, { field: '--grid' });
    const values = splitTop(spec.slice(eq + 1)).map((raw) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    });
    axes.push({ key, values });
  }
  return axes;
}

/** Every combination of the axes' values, the last axis varying fastest. */
export function expandGrid(axes: readonly GridAxis[]): Array<Record<string, unknown>> {
  let points: Array<Record<string, unknown>> = [{}];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.key]: v })));
  return points;
}

export interface SweepOptions extends BatchOptions {
  file: string;
  /** Parameters fixed for every point (--set). */
  overrides: Record<string, unknown>;
  axes: GridAxis[];
  replications: number;
  seed: number;
  inst?: string;
  until?: string;
  /** Run only this shard of the grid's points (sweep-shards.ts). */
  shard?: Shard;
}

export interface SweepPoint {
  params: Record<string, unknown>;
  runs: ReplicationResult[];
  aggregate: Aggregate;
  /** Position of the point in the whole grid (expandGrid order). */
  index: number;
}

export async function runSweep(o: SweepOptions): Promise<SweepPoint[]> {
  const all = expandGrid(o.axes).map((params, index) => ({ params, index }));
  const chosen = o.shard ? all.filter((p) => inShard(p.index, o.shard!)) : all;
  const points = chosen.map((p) => p.params);
  const seeds = replicationSeeds(o.seed, o.replications);
  const tasks: ReplicationTask[] = [];
  for (const p of points) {
    for (const seed of seeds) {
      const t: ReplicationTask = { file: o.file, overrides: { ...o.overrides, ...p }, seed };
      if (o.inst !== undefined) t.inst = o.inst;
      if (o.until !== undefined) t.until = o.until;
      tasks.push(t);
    }
  }
  const batch: BatchOptions = {};
  if (o.workers !== undefined) batch.workers = o.workers;
  if (o.progress) batch.progress = o.progress;
  const results = await runBatch(tasks, batch);
  return points.map((params, i) => {
    const runs = results.slice(i * seeds.length, (i + 1) * seeds.length);
    return { params, runs, aggregate: aggregate(runs), index: chosen[i]!.index };
  });
}

/** One row per point: the grid values, then each figure's mean (and 95 % half-width, theory). */
export function sweepCsv(axes: readonly GridAxis[], points: readonly SweepPoint[]): string {
  const figureNames: string[] = [];
  const withExpected = new Set<string>();
  const units = new Map<string, string>();
  for (const p of points) {
    for (const f of p.aggregate.figures) {
      if (!figureNames.includes(f.name)) figureNames.push(f.name);
      if (f.expected !== undefined) withExpected.add(f.name);
      if (f.unit) units.set(f.name, f.unit);
    }
  }
  const reps = points[0]?.runs.length ?? 0;
  const head = [...axes.map((a) => a.key), 'replications'];
  for (const n of figureNames) {
    // Headers say their unit: "mean wait (s)", "mean wait ci95 (s)".
    const unit = units.has(n) ? ` (${units.get(n)})` : '';
    head.push(`${n}${unit}`);
    if (reps > 1) head.push(`${n} ci95${unit}`);
    if (withExpected.has(n)) head.push(`${n} expected${unit}`);
  }
  const cell = (v: unknown) => (typeof v === 'string' ? csvField(v) : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : csvField(JSON.stringify(v)));
  // A NaN or Infinity is an empty cell; so is the null it becomes in a shard file's JSON (--merge).
  const num = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const rows = [head.map(csvField).join(',')];
  for (const p of points) {
    const row = [...axes.map((a) => cell(p.params[a.key])), String(p.runs.length)];
    for (const n of figureNames) {
      const f = p.aggregate.figures.find((x) => x.name === n);
      row.push(num(f?.mean));
      if (reps > 1) row.push(num(f?.ci95));
      if (withExpected.has(n)) row.push(num(f?.expected));
    }
    rows.push(row.join(','));
  }
  return rows.join('\n') + '\n';
}
