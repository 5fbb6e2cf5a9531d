import { channelCosts, predict, type Candidate, type CandidateGroup, type Prediction } from './cost-model.ts';
import type { RunCosts } from './costs.ts';
import { percent, speedShort } from './format.ts';
import { pathTrie, patternsFor, type Patterns } from './globs.ts';
import type { Machine } from './machine.ts';
import { partitionFileText, type PartitionFileDoc } from './partition-file.ts';
import { buildGraph, partitionGraph } from './partitioner.ts';

/**
 * `splitsim rebalance`: from the costs one profiled run measured, the partition the cost model
 * predicts to be fastest on `cores` cores (or with exactly `instances` instances), the reasons,
 * and the partition file that runs it. Deterministic: the same profile gives the same bytes.
 */
export interface RebalanceOptions {
  cores: number;
  /** Exactly this many instances; default: whichever count from 1 to 2 × cores the model prefers. */
  instances?: number;
  machine: Machine;
  placement?: 'thread' | 'process';
  /** For the file's `made` line. */
  made?: string;
  /** Other runnable threads to assume; default: as the profile measured them. */
  otherLoad?: number;
}

export interface Move {
  from: string;
  to: string;
  components: number;
  /** Share of the system's work that moved. */
  workShare: number;
  patterns: Patterns;
}

export interface Proposal {
  candidate: Candidate;
  prediction: Prediction;
  /** The profiled partition, priced by the same model, and what the run measured. */
  current: Prediction;
  measuredSpeed: number;
  /** Predicted speed for each instance count tried. */
  tried: Array<{ instances: number; speed: number }>;
  moves: Move[];
  reasons: string[];
  file: PartitionFileDoc;
  text: string;
  /** Component paths by id, to name components in words. */
  paths: string[];
}

/** Components joined by links that may not be cut are one node: the map from component to node, and the node count. */
export function contractFixed(costs: RunCosts): { nodeOf: Int32Array; nodes: number } {
  const n = costs.components.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (const l of costs.links) {
    if (!l.fixed) continue;
    const a = find(l.a);
    const b = find(l.b);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const nodeOf = new Int32Array(n);
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!index.has(r)) index.set(r, index.size);
    nodeOf[i] = index.get(r)!;
  }
  return { nodeOf, nodes: index.size };
}

/** Partitions the system into (at most) k groups of measured work, cutting cheap links. */
export function proposeGroups(costs: RunCosts, k: number, cores: number, machine: Machine, placement: 'thread' | 'process', only?: ReadonlySet<number>): number[][] {
  const { nodeOf, nodes } = contractFixed(costs);
  const weight = new Float64Array(nodes);
  for (const c of costs.components) if (!only || only.has(c.id)) weight[nodeOf[c.id]!]! += c.work;
  const { rx, tx } = channelCosts(costs, machine, placement === 'process');
  const edges: Array<[number, number, number]> = [];
  for (const l of costs.links) {
    if (only && (!only.has(l.a) || !only.has(l.b))) continue;
    // What each side pays per simulated second when the link is cut, plus a little for the link itself.
    edges.push([nodeOf[l.a]!, nodeOf[l.b]!, (l.msgs * (rx + tx)) / 2 + 1]);
  }
  const part = partitionGraph(buildGraph(weight, edges), { parts: k, cores });
  const groups: number[][] = Array.from({ length: k }, () => []);
  for (const c of costs.components) if (!only || only.has(c.id)) groups[part[nodeOf[c.id]!]!]!.push(c.id);
  return groups.filter((g) => g.length > 0);
}

/**
 * Names new groups after the profiled instances they take most work from, so that what moved
 * reads as moves between familiar instances; the rest are p0, p1, ….
 */
export function nameGroups(costs: RunCosts, groups: number[][]): string[] {
  const oldOf = new Map<number, string>();
  for (const inst of costs.topology.instances) for (const id of inst.components) oldOf.set(id, inst.name);
  const overlaps: Array<{ g: number; name: string; work: number }> = [];
  groups.forEach((g, i) => {
    const by = new Map<string, number>();
    for (const id of g) by.set(oldOf.get(id)!, (by.get(oldOf.get(id)!) ?? 0) + costs.components[id]!.work + 1e-9);
    for (const [name, work] of by) overlaps.push({ g: i, name, work });
  });
  overlaps.sort((a, b) => b.work - a.work || a.g - b.g || (a.name < b.name ? -1 : 1));
  const names: Array<string | null> = groups.map(() => null);
  const taken = new Set<string>();
  for (const o of overlaps) {
    if (names[o.g] !== null || taken.has(o.name)) continue;
    names[o.g] = o.name;
    taken.add(o.name);
  }
  let next = 0;
  return names.map((n) => {
    if (n !== null) return n;
    while (taken.has(`p${next}`)) next++;
    taken.add(`p${next}`);
    return `p${next}`;
  });
}

export function currentCandidate(costs: RunCosts): Candidate {
  return {
    name: costs.topology.instantiation,
    groups: costs.topology.instances.map((i) => ({ name: i.name, components: i.components, placement: i.placement === 'process' ? 'process' : 'thread' })),
  };
}

export function rebalance(costs: RunCosts, o: RebalanceOptions): Proposal {
  const placement = o.placement ?? 'thread';
  const load = o.otherLoad !== undefined ? { otherLoad: o.otherLoad } : {};
  const current = predict(costs, currentCandidate(costs), o.machine, o.cores, load);
  const counts = o.instances !== undefined ? [o.instances] : Array.from({ length: Math.max(2, 2 * o.cores) }, (_, i) => i + 1);
  let best: { candidate: Candidate; prediction: Prediction } | null = null;
  const tried: Proposal['tried'] = [];
  for (const k of counts) {
    const groups = proposeGroups(costs, k, o.cores, o.machine, placement);
    const names = nameGroups(costs, groups);
    const candidate: Candidate = { name: `rebalance${groups.length}`, groups: groups.map((g, i): CandidateGroup => ({ name: names[i]!, components: g, placement })) };
    const prediction = predict(costs, candidate, o.machine, o.cores, load);
    tried.push({ instances: groups.length, speed: prediction.speed });
    // Ties go to fewer instances: same speed on fewer cores.
    if (best === null || prediction.speed > best.prediction.speed * 1.0001) best = { candidate, prediction };
  }
  const { candidate, prediction } = best!;
  const moves = movesOf(costs, candidate);
  const file = fileOf(costs, candidate, prediction, o.cores, o.made ?? `splitsim rebalance ${costs.dir} --cores ${o.cores}`);
  return { candidate, prediction, current, measuredSpeed: costs.measuredSpeed, tried, moves, reasons: reasonsOf(costs, candidate, prediction, current, moves, o.cores), file, text: partitionFileText(file), paths: costs.components.map((c) => c.path) };
}

/** The partition file of a candidate: patterns per instance. */
export function fileOf(costs: RunCosts, candidate: Candidate, prediction: Prediction | null, cores: number, made: string): PartitionFileDoc {
  const paths = costs.components.map((c) => c.path);
  const trie = pathTrie(paths);
  const doc: PartitionFileDoc = {
    splitsim: 'partition',
    version: 1,
    system: { config: costs.topology.config, components: paths.length },
    made,
    instances: candidate.groups.map((g) => {
      const p = patternsFor(paths, new Set(g.components), trie);
      return { name: g.name, placement: g.placement, components: p.globs, ids: p.ids };
    }),
  };
  if (prediction) doc.predicted = { speed: prediction.speed, cores };
  return doc;
}

function movesOf(costs: RunCosts, candidate: Candidate): Move[] {
  const oldOf = new Map<number, string>();
  for (const inst of costs.topology.instances) for (const id of inst.components) oldOf.set(id, inst.name);
  const total = costs.components.reduce((s, c) => s + c.work, 0) || 1;
  const byPair = new Map<string, { from: string; to: string; ids: Set<number>; work: number }>();
  for (const g of candidate.groups) {
    for (const id of g.components) {
      const from = oldOf.get(id)!;
      if (from === g.name) continue;
      const key = `${from}\u0000${g.name}`;
      let m = byPair.get(key);
      if (!m) byPair.set(key, (m = { from, to: g.name, ids: new Set(), work: 0 }));
      m.ids.add(id);
      m.work += costs.components[id]!.work;
    }
  }
  const paths = costs.components.map((c) => c.path);
  const trie = pathTrie(paths);
  return [...byPair.values()]
    .sort((a, b) => b.work - a.work || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1))
    .map((m) => ({ from: m.from, to: m.to, components: m.ids.size, workShare: m.work / total, patterns: patternsFor(paths, m.ids, trie) }));
}

function reasonsOf(costs: RunCosts, candidate: Candidate, p: Prediction, current: Prediction, moves: Move[], cores: number): string[] {
  const out: string[] = [];
  out.push(
    `measured ${speedShort(costs.measuredSpeed)} with ${costs.topology.instances.length} instance(s) (${costs.topology.instantiation}); the model prices that partition at ${speedShort(current.speed)} on ${cores} core(s)`,
  );
  if (costs.otherLoad === null && costs.instances.length > cores) {
    out.push('how busy the machine was cannot be told from a run with more instances than cores (its own threads queue behind each other): predictions assume no other programs');
  } else if (current.otherLoad >= 0.25) {
    out.push(`the machine was busy: about ${current.otherLoad.toFixed(1)} other threads were ready to run beside this run's (schedstat); predictions assume as many (rebalance --idle assumes none)`);
  }
  const over = costs.topology.instances.length > cores ? `: ${costs.topology.instances.length} instances on ${cores} cores take turns every lookahead` : '';
  if (over) out.push(`the profiled partition runs more instances than cores${over}`);
  const computed = costs.instances.reduce((t, i) => t + i.computeNs, 0) || 1;
  for (const inst of costs.instances) {
    if (costs.instances.length > 1) out.push(`  ${inst.name}: ${percent(inst.computeNs / computed)} of the run's compute time, waited ${percent(inst.waitShare)} of its wall time${inst.runqueueShare !== null && inst.runqueueShare > 0.05 ? `, ${percent(inst.runqueueShare)} ready without a core` : ''}`);
  }
  out.push(`proposed: ${candidate.groups.length} instance(s), predicted ${speedShort(p.speed)} (${(p.speed / (current.speed || 1)).toFixed(2)}× the profiled partition as priced by the model)`);
  const candidateWork = p.instances.reduce((t, i) => t + i.work, 0) || 1;
  for (const i of p.instances) out.push(`  ${i.name}: ${i.components} components, ${percent(i.work / candidateWork)} of the work, channels and loop ${percent((i.comm + i.sync) / (i.total || 1))} of its time`);
  out.push(`cut messages: ${fmtRate(current.cutMsgs)} → ${fmtRate(p.cutMsgs)} per simulated second; ${p.bottleneck ? `pace set by ${p.bottleneck}` : 'pace set by the cores (total work / cores)'}${p.couplingNs > 0 ? `, synchronization ${percent(p.couplingNs / p.wallNs)} of the wall time` : ''}`);
  if (moves.length === 0) out.push('nothing moves');
  const paths = costs.components.map((c) => c.path);
  for (const m of moves.slice(0, 12)) {
    const names = patternNames(m.patterns, paths);
    const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    out.push(`  moved ${shown} (${m.components} component${m.components === 1 ? '' : 's'}, ${percent(m.workShare)} of the work) from ${m.from} to ${m.to}`);
  }
  if (moves.length > 12) out.push(`  and ${moves.length - 12} more moves (see the partition file)`);
  return out;
}

/** Patterns as a person reads them: globs, then id ranges by their paths ("node0…node36"). */
export function patternNames(p: Patterns, paths: readonly string[]): string[] {
  const ids = p.ids.map((x) => {
    if (typeof x === 'number') return paths[x] ?? `#${x}`;
    const [lo, hi] = x.split('-').map(Number) as [number, number];
    return `${paths[lo] ?? `#${lo}`}…${paths[hi] ?? `#${hi}`}`;
  });
  return [...p.globs, ...ids];
}

function fmtRate(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(1)} G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(0)} k`;
  return x.toFixed(0);
}
