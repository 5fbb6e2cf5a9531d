/**
 * Multilevel graph partitioning of the component graph with measured weights, deterministic (no
 * random choice; every tie goes to the lower index):
 *
 * 1. Contract: components joined by a link that may not be cut (noCut, zero latency) become one
 *    node, so no partition can cut such a link.
 * 2. Coarsen: each node, fewest neighbours first, joins the cluster of the neighbour it exchanges
 *    most messages with, as long as the cluster stays under 1/(4k) of the total work; repeated
 *    while it shrinks the graph. Hosts join their ToR, racks their aggregation switch: racks and
 *    blocks move as units.
 * 3. Initial split: greedy growth of each part from a seed node, taking the nodes most tied to
 *    it; tried from each of the 8 heaviest nodes, each refined, the best kept.
 * 4. Refine, coarsest level first: a node moves to a neighbouring part when that lowers
 *    F = max(max_i L_i, Σ_i L_i / cores) + ε Σ_i L_i, L_i being part i's work plus what its cut
 *    links cost it. The first term is what the cost model says sets the pace; the second breaks
 *    ties towards fewer cut messages.
 */
export interface WeightedGraph {
  /** Work per node (ns per simulated second). */
  weight: Float64Array;
  /** Adjacency in CSR form: neighbours of i are adj[start[i] … start[i+1]) with edge costs cost[…] (ns per simulated second each side pays when cut). */
  start: Int32Array;
  adj: Int32Array;
  cost: Float64Array;
}

export interface PartitionOptions {
  parts: number;
  cores: number;
  /** Weight of the total against the maximum in the objective; default 0.05. */
  epsilon?: number;
  /** Refinement passes per level at most; default 30. */
  passes?: number;
  /**
   * Least improvement of the objective, relative, for a move to be made; default 1e-3. Moving a
   * host that sends nothing evens the load by a hair and splits its rack across instances: not
   * worth the less readable partition.
   */
  minGain?: number;
}

/** Builds the CSR graph from node weights and undirected weighted edges (parallel edges add up). */
export function buildGraph(weight: Float64Array, edges: Array<[number, number, number]>): WeightedGraph {
  const n = weight.length;
  const maps: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const [a, b, c] of edges) {
    if (a === b) continue;
    maps[a]!.set(b, (maps[a]!.get(b) ?? 0) + c);
    maps[b]!.set(a, (maps[b]!.get(a) ?? 0) + c);
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + maps[i]!.size;
  const adj = new Int32Array(start[n]!);
  const cost = new Float64Array(start[n]!);
  for (let i = 0; i < n; i++) {
    let at = start[i]!;
    for (const [j, c] of [...maps[i]!.entries()].sort((x, y) => x[0] - y[0])) {
      adj[at] = j;
      cost[at++] = c;
    }
  }
  return { weight, start, adj, cost };
}

/** One coarsening step: the cluster of every node (dense ids in order of first appearance), or null if nothing merged. */
function cluster(g: WeightedGraph, cap: number): Int32Array | null {
  const n = g.weight.length;
  const of = new Int32Array(n).fill(-1);
  const clusterWeight: number[] = [];
  // Fewest neighbours first: leaves (hosts) join their hub (ToR) before the hub picks a cluster,
  // so a rack gathers whole instead of the hub filling up and stranding its leaves.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => g.start[a + 1]! - g.start[a]! - (g.start[b + 1]! - g.start[b]!) || a - b);
  for (const u of order) {
    if (of[u] !== -1) continue;
    let best = -1;
    let bestCost = -1;
    for (let e = g.start[u]!; e < g.start[u + 1]!; e++) {
      const v = g.adj[e]!;
      const c = g.cost[e]!;
      const cw = of[v] === -1 ? g.weight[v]! : clusterWeight[of[v]!]!;
      if (cw + g.weight[u]! > cap) continue;
      if (c > bestCost || (c === bestCost && v < best)) {
        best = v;
        bestCost = c;
      }
    }
    if (best === -1) {
      of[u] = clusterWeight.length;
      clusterWeight.push(g.weight[u]!);
      continue;
    }
    if (of[best] === -1) {
      of[best] = clusterWeight.length;
      clusterWeight.push(g.weight[best]!);
    }
    of[u] = of[best]!;
    clusterWeight[of[u]!]! += g.weight[u]!;
  }
  return clusterWeight.length < n ? of : null;
}

function coarsen(g: WeightedGraph, of: Int32Array): WeightedGraph {
  const m = Math.max(...of) + 1;
  const weight = new Float64Array(m);
  for (let u = 0; u < of.length; u++) weight[of[u]!]! += g.weight[u]!;
  const edges: Array<[number, number, number]> = [];
  for (let u = 0; u < of.length; u++) {
    for (let e = g.start[u]!; e < g.start[u + 1]!; e++) {
      const v = g.adj[e]!;
      if (u < v && of[u] !== of[v]) edges.push([of[u]!, of[v]!, g.cost[e]!]);
    }
  }
  return buildGraph(weight, edges);
}

/**
 * Greedy graph growing: part 0 grows from `seed`, taking the free node most tied to it (edge cost
 * into the part minus edge cost to other free nodes) until it holds its share of the work; then
 * part 1 from the heaviest free node, and so on; the last part takes the rest.
 */
function grow(g: WeightedGraph, k: number, seed: number): Int32Array {
  const n = g.weight.length;
  const part = new Int32Array(n).fill(-1);
  const total = g.weight.reduce((s, x) => s + x, 0) || 1;
  const tie = new Float64Array(n);
  let assigned = 0;
  for (let p = 0; p < k - 1 && assigned < n; p++) {
    let start = seed;
    if (p > 0 || part[start] !== -1) {
      start = -1;
      for (let u = 0; u < n; u++) if (part[u] === -1 && (start === -1 || g.weight[u]! > g.weight[start]!)) start = u;
    }
    tie.fill(0);
    let load = 0;
    let u = start;
    const share = total / k;
    while (u !== -1 && load < share && n - assigned > k - 1 - p) {
      part[u] = p;
      assigned++;
      load += g.weight[u]!;
      for (let e = g.start[u]!; e < g.start[u + 1]!; e++) tie[g.adj[e]!]! += 2 * g.cost[e]!;
      u = -1;
      let best = -Infinity;
      for (let v = 0; v < n; v++) {
        if (part[v] !== -1 || tie[v] === 0) continue;
        let out = 0;
        for (let e = g.start[v]!; e < g.start[v + 1]!; e++) if (part[g.adj[e]!] === -1) out += g.cost[e]!;
        const gain = tie[v]! / 2 - out;
        if (gain > best) {
          best = gain;
          u = v;
        }
      }
    }
  }
  for (let v = 0; v < n; v++) if (part[v] === -1) part[v] = k - 1;
  return part;
}

/** The objective of a partition (see refine), from scratch. */
function objectiveOf(g: WeightedGraph, part: Int32Array, k: number, cores: number, epsilon: number): number {
  const load = new Float64Array(k);
  for (let u = 0; u < g.weight.length; u++) {
    load[part[u]!]! += g.weight[u]!;
    for (let e = g.start[u]!; e < g.start[u + 1]!; e++) if (part[g.adj[e]!] !== part[u]) load[part[u]!]! += g.cost[e]!;
  }
  let max = 0;
  let sum = 0;
  for (const l of load) (sum += l, (max = Math.max(max, l)));
  return Math.max(max, sum / cores) + epsilon * sum;
}

/** Starting points tried at the coarsest level: growth from each of the heaviest nodes. */
const STARTS = 8;

/** Greedy refinement; returns how many moves it made. */
function refine(g: WeightedGraph, part: Int32Array, k: number, cores: number, epsilon: number, passes: number, minGain: number): number {
  const n = g.weight.length;
  const load = new Float64Array(k);
  const size = new Int32Array(k);
  for (let u = 0; u < n; u++) {
    load[part[u]!]! += g.weight[u]!;
    size[part[u]!]!++;
    for (let e = g.start[u]!; e < g.start[u + 1]!; e++) if (part[g.adj[e]!] !== part[u]) load[part[u]!]! += g.cost[e]!;
  }
  const objective = (l: Float64Array) => {
    let max = 0;
    let sum = 0;
    for (let i = 0; i < k; i++) {
      sum += l[i]!;
      if (l[i]! > max) max = l[i]!;
    }
    return Math.max(max, sum / cores) + epsilon * sum;
  };
  const delta = new Float64Array(k);
  const trial = new Float64Array(k);
  let moves = 0;
  for (let pass = 0; pass < passes; pass++) {
    let moved = 0;
    for (let u = 0; u < n; u++) {
      const p = part[u]!;
      if (size[p] === 1) continue;
      // Cost u's edges put on each part now: to evaluate any target q in one sweep.
      const targets = new Set<number>();
      for (let e = g.start[u]!; e < g.start[u + 1]!; e++) if (part[g.adj[e]!] !== p) targets.add(part[g.adj[e]!]!);
      if (targets.size === 0) continue;
      const current = objective(load);
      let best = -1;
      let bestF = current - minGain * Math.abs(current);
      for (const q of [...targets].sort((a, b) => a - b)) {
        delta.fill(0);
        delta[p] = -g.weight[u]!;
        delta[q] = g.weight[u]!;
        for (let e = g.start[u]!; e < g.start[u + 1]!; e++) {
          const r = part[g.adj[e]!]!;
          const c = g.cost[e]!;
          if (r === p) (delta[p]! += c, delta[q]! += c);
          else if (r === q) (delta[p]! -= c, delta[q]! -= c);
          else (delta[p]! -= c, delta[q]! += c);
        }
        for (let i = 0; i < k; i++) trial[i] = load[i]! + delta[i]!;
        const f = objective(trial);
        if (f < bestF) {
          bestF = f;
          best = q;
        }
      }
      if (best < 0) continue;
      for (let e = g.start[u]!; e < g.start[u + 1]!; e++) {
        const r = part[g.adj[e]!]!;
        const c = g.cost[e]!;
        if (r === p) (load[p]! += c, load[best]! += c);
        else if (r === best) (load[p]! -= c, load[best]! -= c);
        else (load[p]! -= c, load[best]! += c);
      }
      load[p]! -= g.weight[u]!;
      load[best]! += g.weight[u]!;
      size[p]!--;
      size[best]!++;
      part[u] = best;
      moved++;
    }
    moves += moved;
    if (moved === 0) break;
  }
  return moves;
}

/** Partitions `g` into at most `parts` parts; returns the part of every node. */
export function partitionGraph(g: WeightedGraph, o: PartitionOptions): Int32Array {
  const k = Math.max(1, Math.min(o.parts, g.weight.length));
  if (k === 1) return new Int32Array(g.weight.length);
  const epsilon = o.epsilon ?? 0.05;
  const passes = o.passes ?? 30;
  const minGain = o.minGain ?? 1e-3;
  const total = g.weight.reduce((s, x) => s + x, 0);
  const levels: Array<{ g: WeightedGraph; of: Int32Array }> = [];
  let cur = g;
  while (cur.weight.length > 4 * k) {
    const of = cluster(cur, total / (4 * k));
    if (of === null) break;
    levels.push({ g: cur, of });
    cur = coarsen(cur, of);
  }
  let part: Int32Array | null = null;
  let bestF = Infinity;
  const seeds = Array.from({ length: cur.weight.length }, (_, i) => i).sort((a, b) => cur.weight[b]! - cur.weight[a]! || a - b).slice(0, STARTS);
  for (const seed of seeds) {
    const trial = grow(cur, k, seed);
    refine(cur, trial, k, o.cores, epsilon, passes, minGain);
    const f = objectiveOf(cur, trial, k, o.cores, epsilon);
    if (f < bestF * (1 - 1e-12)) {
      bestF = f;
      part = trial;
    }
  }
  part ??= new Int32Array(cur.weight.length);
  for (let l = levels.length - 1; l >= 0; l--) {
    const { g: fine, of } = levels[l]!;
    const projected = new Int32Array(fine.weight.length);
    for (let u = 0; u < projected.length; u++) projected[u] = part[of[u]!]!;
    part = projected;
    refine(fine, part, k, o.cores, epsilon, passes, minGain);
  }
  return part;
}
