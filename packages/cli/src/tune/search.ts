import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSeconds } from '@splitsim/kernel';
import type { Catalog, Config, Instantiation } from '@splitsim/instantiation';
import { currentCandidate, fileOf, partitionFileText, predict, type Candidate, type Machine, type PartitionFileDoc, type RunCosts } from '@splitsim/profiler';
import { candidateKey, proposeCandidates, type Proposed } from './candidates.ts';
import { runTrial, type TrialResult } from './trial.ts';

/**
 * The search of `splitsim tune`: measure the start instantiation in a short profiled run; from
 * every measured run, propose candidates (candidates.ts) priced by the cost model; run the
 * untried candidate expected fastest; repeat. A candidate is expected at the measured speed of
 * the run it was proposed from times the ratio the model predicts between the two (both priced
 * from that run's profile): the model ranks partitions better than it predicts absolute speed.
 * Candidates the model prices `gain` (3 %) faster than the run they come from, and expected
 * within `slack` of the best measured speed, run first. When there are none, the others are
 * explored (a shape, instance count and placement, not measured yet first) down to `explore` of
 * the best measured speed, so that every kind of candidate is checked against the model. The last
 * quarter of the budget runs the best measured ones again in turn (a short run on a shared machine
 * is noisy; the ranking takes each candidate's median). Stops at the budget.
 */
export interface TuneOptions {
  config: Config;
  params: Record<string, unknown>;
  base: Instantiation;
  instName: string;
  seed: number;
  /** Simulated time of each trial, ps. */
  until: number;
  budgetMs: number;
  cores: number;
  machine: Machine;
  out: string;
  profileNs: number;
  /** Candidates expected slower than this share of the best measured speed are not run. Default 0.95. */
  slack?: number;
  /** Least gain the model must predict over the run a candidate comes from for it to be tried. Default 0.03. */
  gain?: number;
  /** Candidates not promising are still explored down to this share of the best measured speed. Default 0.25. */
  explore?: number;
  /** Share of the budget kept for running the best again. Default 0.25. */
  confirmShare?: number;
  /** How many of the best are run again when nothing new is worth trying. Default 3. */
  confirm?: number;
  progress?: (line: string) => void;
  /** The models the config's modules provide (default: the built-in ones). */
  catalog?: Catalog;
}

export interface TuneRow {
  id: string;
  name: string;
  how: string;
  instances: number;
  placement: string;
  cores: number;
  /** The cost model's prediction when the candidate was chosen (for the start: priced from its own profile). */
  predicted: number | null;
  /** Profiler speeds of each run (simulated s per wall s), and their median. */
  measured: number[];
  median: number | null;
  sameMetrics: boolean | null;
  dirs: string[];
  note?: string;
}

export interface TuneResult {
  rows: TuneRow[];
  best: TuneRow | null;
  bestFile: string | null;
  bestDoc: PartitionFileDoc | null;
  elapsedSeconds: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function tune(o: TuneOptions): Promise<TuneResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const left = () => o.budgetMs / 1000 - elapsed();
  const say = o.progress ?? (() => {});
  const slack = o.slack ?? 0.95;
  const gain = o.gain ?? 0.03;
  const explore = o.explore ?? 0.25;
  mkdirSync(o.out, { recursive: true });
  const rows: TuneRow[] = [];
  const byKey = new Map<string, { row: TuneRow; candidate: Candidate; costs: RunCosts | null }>();
  const pool = new Map<string, Proposed & { from: string; expected: number; promising: boolean }>();
  /** Instance counts and placements measured so far: exploring prefers a shape not yet tried. */
  const shapes = new Set<string>();
  const shapeOf = (c: Candidate) => `${c.groups.length}:${placementOf(c)}`;
  let reference: string | null = null;
  let bestMeasured = 0;
  let trialNo = 0;
  const budgetSignal = AbortSignal.timeout(Math.max(1, o.budgetMs));

  const run = async (candidate: Candidate | null, row: TuneRow): Promise<TrialResult> => {
    const id = `t${String(++trialNo).padStart(2, '0')}`;
    const dir = join(o.out, `${id}-${row.name.replace(/[^\w.+-]/g, '_')}`);
    say(`[${elapsed().toFixed(0).padStart(4)} s / ${(o.budgetMs / 1000).toFixed(0)} s] ${id} ${row.name}: ${row.instances > 0 ? `${row.instances} instance(s), ${row.placement}` : 'the start'}${row.predicted !== null ? `, predicted ${fmt(row.predicted)}` : ''} …`);
    const r = await runTrial({ config: o.config, params: o.params, base: o.base, instName: o.instName, seed: o.seed, until: o.until, profileNs: o.profileNs, dir, signal: budgetSignal, ...(o.catalog ? { catalog: o.catalog } : {}) }, candidate);
    row.dirs.push(dir);
    if (r.measured !== null) row.measured.push(r.measured);
    row.median = median(row.measured);
    if (r.metrics !== null) {
      reference ??= r.metrics;
      const same = r.metrics === reference;
      row.sameMetrics = row.sameMetrics === null ? same : row.sameMetrics && same;
    }
    // A repeat cut short by the budget keeps the row's earlier measurements and says nothing.
    if (r.problem && row.measured.length === 0) row.note = r.problem;
    say(`        ${r.status}${r.measured !== null ? `: measured ${fmt(r.measured)}` : ''} (${fmt(r.runSpeed)} over the whole run, ${r.wallSeconds.toFixed(1)} s wall)${row.sameMetrics === false ? ', METRICS DIFFER' : ''}`);
    if (r.measured !== null) bestMeasured = Math.max(bestMeasured, row.median!);
    return r;
  };
  // Other programs' load, as the last profile that could tell measured it (one with more
  // instances than cores cannot): a property of the machine during the session, not of a run.
  let otherLoad: number | undefined;
  const absorb = (r: TrialResult, from: string) => {
    if (!r.costs || r.measured === null) return;
    if (r.costs.otherLoad !== null) otherLoad = r.costs.otherLoad;
    const load = otherLoad !== undefined ? { otherLoad } : {};
    const self = predict(r.costs, currentCandidate(r.costs), o.machine, o.cores, load).speed;
    for (const p of proposeCandidates(r.costs, o.cores, o.machine, load)) {
      const key = candidateKey(p.candidate);
      if (byKey.has(key)) continue;
      // Promising: the model expects it clearly faster than the run it comes from.
      const promising = p.prediction.speed >= self * (1 + gain);
      const expected = self > 0 ? (r.measured * p.prediction.speed) / self : p.prediction.speed;
      const known = pool.get(key);
      // The newest profile prices it best (it measured channel costs the earlier may not have).
      if (!known || known.from < from) pool.set(key, { ...p, from, expected, promising });
    }
  };

  // The start: its own partition, priced afterwards from its own profile.
  const startRow: TuneRow = { id: 't01', name: o.instName, how: 'start', instances: 0, placement: '', cores: o.cores, predicted: null, measured: [], median: null, sameMetrics: null, dirs: [] };
  const first = await run(null, startRow);
  const startCandidate: Candidate = first.costs ? currentCandidate(first.costs) : { name: o.instName, groups: first.plan.instances.map((i) => ({ name: i.name, components: i.components, placement: i.placement.kind === 'process' ? 'process' : 'thread' })) };
  startRow.instances = startCandidate.groups.length;
  startRow.placement = placementOf(startCandidate);
  if (first.costs) startRow.predicted = predict(first.costs, startCandidate, o.machine, o.cores).speed;
  rows.push(startRow);
  byKey.set(candidateKey(startCandidate), { row: startRow, candidate: startCandidate, costs: first.costs });
  absorb(first, startRow.id);

  shapes.add(shapeOf(startCandidate));
  // Expected wall time of a trial: the simulated time at the expected speed, plus a second of start-up.
  const fits = (speed: number, within: number) => toSeconds(o.until) / Math.max(speed, 1e-12) + 1 <= within;
  const reserve = (o.confirmShare ?? 0.25) * (o.budgetMs / 1000);
  for (;;) {
    if (left() <= 0) break;
    const ranked = [...pool.entries()].sort((a, b) => b[1].expected - a[1].expected || (a[0] < b[0] ? -1 : 1));
    // Exploit: what the model expects clearly faster, and close to the best measured or above.
    let chosen = ranked.find(([, p]) => p.promising && p.expected >= slack * bestMeasured && fits(p.expected, left())) ?? null;
    // Explore while time outside the confirmation reserve is left: a shape (instance count,
    // placement) not measured yet first, so that every kind of candidate is checked against the
    // model, as long as it is expected at a quarter of the best measured speed or more.
    if (chosen === null && left() > reserve) {
      const candidates = ranked.filter(([, p]) => p.expected >= explore * bestMeasured && fits(p.expected, left() - reserve));
      chosen = candidates.find(([, p]) => !shapes.has(shapeOf(p.candidate))) ?? candidates[0] ?? null;
    }
    if (chosen === null) break;
    const [key, p] = chosen;
    shapes.add(shapeOf(p.candidate));
    pool.delete(key);
    const row: TuneRow = { id: '', name: p.candidate.name, how: `${p.how} (from ${p.from}; expected ${fmt(p.expected)}${p.promising ? '' : ', exploring'})`, instances: p.candidate.groups.length, placement: placementOf(p.candidate), cores: o.cores, predicted: p.prediction.speed, measured: [], median: null, sameMetrics: null, dirs: [] };
    row.id = `t${String(trialNo + 1).padStart(2, '0')}`;
    // Names repeat across proposals from different runs: keep rows apart.
    if (rows.some((r) => r.name === row.name)) row.name = `${row.name}#${row.id}`;
    rows.push(row);
    const r = await run(p.candidate, row);
    byKey.set(key, { row, candidate: p.candidate, costs: r.costs });
    absorb(r, row.id);
  }

  // Confirmation: the best few again, in turn, while time allows.
  const confirm = o.confirm ?? 3;
  for (let round = 0; left() > 0; round++) {
    const top = [...byKey.values()].filter((e) => e.row.median !== null).sort((a, b) => b.row.median! - a.row.median! || a.row.instances - b.row.instances).slice(0, confirm);
    let ran = false;
    for (const e of top) {
      const expected = toSeconds(o.until) / Math.max(e.row.median!, 1e-12) + 1;
      if (expected > left()) continue;
      await run(e.row.id === 't01' ? null : e.candidate, e.row);
      ran = true;
    }
    if (!ran || round > 50) break;
  }

  const measuredRows = rows.filter((r) => r.median !== null && r.sameMetrics !== false);
  measuredRows.sort((a, b) => b.median! - a.median! || a.instances - b.instances);
  const best = measuredRows[0] ?? null;
  let bestFile: string | null = null;
  let bestDoc: PartitionFileDoc | null = null;
  if (best) {
    const entry = [...byKey.values()].find((e) => e.row === best)!;
    const costs = entry.costs ?? first.costs;
    if (costs) {
      bestDoc = fileOf(costs, entry.candidate, null, o.cores, `splitsim tune ${o.config.name} --inst ${o.instName}: ${best.name} (${best.how}), measured ${fmt(best.median!)} (median of ${best.measured.length})`);
      bestDoc.predicted = { speed: best.predicted ?? 0, cores: o.cores };
      bestFile = join(o.out, 'best-partition.json');
      writeFileSync(bestFile, partitionFileText(bestDoc));
    }
  }
  const result: TuneResult = { rows, best, bestFile, bestDoc, elapsedSeconds: elapsed() };
  writeFileSync(join(o.out, 'tune.json'), JSON.stringify({ config: o.config.name, start: o.instName, cores: o.cores, until: o.until, budgetSeconds: o.budgetMs / 1000, machine: o.machine.source, elapsedSeconds: result.elapsedSeconds, best: best?.id ?? null, bestFile, rows }, null, 1) + '\n');
  return result;
}

function placementOf(c: Candidate): string {
  const kinds = [...new Set(c.groups.map((g) => g.placement))];
  return kinds.join('+');
}

/** Simulated time per wall second, short: "3.41 ms/s". */
export function fmt(speed: number): string {
  if (!Number.isFinite(speed)) return 'n/a';
  const units: Array<[number, string]> = [[1, 's'], [1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']];
  for (const [scale, unit] of units) if (speed >= scale) return `${(speed / scale).toPrecision(3)} ${unit}/s`;
  return `${(speed / 1e-12).toPrecision(3)} ps/s`;
}
