import { UndirectedGraph } from 'graphology';
import type { ComponentDecl, System } from '@splitsim/system';
import { report } from './basic.ts';
import type { Group, PartitionFn } from './types.ts';

export interface BalancedOptions {
  /** Estimated load of a component, given how many links it has; default: defaultLoad. */
  load?: (component: ComponentDecl, links: number) => number;
  /** No instance may carry more than (1 + tolerance) × the mean load; default 0.05. */
  tolerance?: number;
  /** Refinement passes over the graph; default 10. */
  passes?: number;
}

/**
 * A rough load estimate until the profiler supplies measured ones: a switch handles every packet
 * of each of its links; a host its own traffic, one unit per application; anything else one unit.
 */
export function defaultLoad(component: ComponentDecl, links: number): number {
  if (component.kind === 'switch') return Math.max(1, links);
  if (component.kind === 'host') {
    const apps = (component.params as { apps?: unknown }).apps;
    return 1 + (Array.isArray(apps) ? apps.length : 0);
  }
  return 1;
}

type Graph = UndirectedGraph<{ load: number; members: number[] }, { weight: number }>;

/**
 * Builds the graph to cut: links that may not be cut (noCut, zero latency) merge their ends into
 * one node first, so no partition can cut them; edge weights count the links between nodes.
 */
function contract(system: System, load: (c: ComponentDecl, links: number) => number): Graph {
  const n = system.components.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const degree = new Int32Array(n);
  const valid = system.links.filter((l) => l.a.component >= 0 && l.b.component >= 0 && l.a.component < n && l.b.component < n);
  for (const l of valid) {
    degree[l.a.component]!++;
    degree[l.b.component]!++;
    if (l.noCut || l.latency === 0) {
      const ra = find(l.a.component);
      const rb = find(l.b.component);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
  const graph: Graph = new UndirectedGraph();
  for (const c of system.components) {
    const key = String(find(c.id));
    const w = load(c, degree[c.id]!);
    const weight = Number.isFinite(w) && w > 0 ? w : 1;
    if (graph.hasNode(key)) {
      graph.updateNodeAttribute(key, 'load', (x) => x! + weight);
      graph.getNodeAttribute(key, 'members').push(c.id);
    } else graph.addNode(key, { load: weight, members: [c.id] });
  }
  for (const l of valid) {
    const a = String(find(l.a.component));
    const b = String(find(l.b.component));
    if (a === b) continue;
    if (graph.hasEdge(a, b)) graph.updateEdgeAttribute(a, b, 'weight', (w) => w! + 1);
    else graph.addEdge(a, b, { weight: 1 });
  }
  return graph;
}

/** The contracted graph as arrays, for the passes that walk it many times. */
interface Compact {
  load: Float64Array;
  members: number[][];
  /** Neighbours of node i: adj[start[i] … start[i+1]), with the link count of each edge. */
  start: Int32Array;
  adj: Int32Array;
  weight: Int32Array;
}

function compact(graph: Graph): Compact {
  const keys = graph.nodes();
  const index = new Map(keys.map((k, i) => [k, i]));
  const start = new Int32Array(keys.length + 1);
  keys.forEach((k, i) => (start[i + 1] = start[i]! + graph.degree(k)));
  const adj = new Int32Array(start[keys.length]!);
  const weight = new Int32Array(adj.length);
  keys.forEach((k, i) => {
    let at = start[i]!;
    graph.forEachNeighbor(k, (m) => {
      adj[at] = index.get(m)!;
      weight[at++] = graph.getEdgeAttribute(k, m, 'weight');
    });
  });
  return { load: Float64Array.from(keys, (k) => graph.getNodeAttribute(k, 'load')), members: keys.map((k) => graph.getNodeAttribute(k, 'members')), start, adj, weight };
}

/** Depth-first preorder, neighbours in link order: keeps subtrees (racks, pods) contiguous. */
function preorder(g: Compact): number[] {
  const n = g.load.length;
  const order: number[] = [];
  const seen = new Uint8Array(n);
  for (let root = 0; root < n; root++) {
    if (seen[root]) continue;
    const stack = [root];
    seen[root] = 1;
    while (stack.length > 0) {
      const node = stack.pop()!;
      order.push(node);
      for (let e = g.start[node + 1]! - 1; e >= g.start[node]!; e--) {
        const m = g.adj[e]!;
        if (!seen[m]) {
          seen[m] = 1;
          stack.push(m);
        }
      }
    }
  }
  return order;
}

/**
 * A graph partitioner into n instances that balances estimated load and cuts few links: the
 * contracted graph is laid out depth-first and cut into n runs of equal load, then boundary nodes
 * move to the neighbouring instance they share most links with while that cuts fewer links (or
 * as many, with better balance) and keeps every instance within the tolerance.
 */
export function balanced(n: number, options: BalancedOptions = {}): PartitionFn {
  const tolerance = options.tolerance ?? 0.05;
  const passes = options.passes ?? 10;
  return (system, context) => {
    if (!Number.isSafeInteger(n) || n < 1) {
      report(context, `partition balanced(${n})`, `needs a positive whole number of instances, got ${JSON.stringify(n)}`);
      return [{ name: 'part0', components: system.components.map((c) => c.id) }];
    }
    const g = compact(contract(system, options.load ?? defaultLoad));
    const order = preorder(g);
    const total = g.load.reduce((sum, x) => sum + x, 0);
    const part = new Int32Array(order.length);
    const partLoad = new Float64Array(n);
    const partSize = new Int32Array(n);
    let before = 0;
    for (const node of order) {
      const p = Math.min(n - 1, Math.floor(((before + g.load[node]! / 2) / total) * n));
      part[node] = p;
      partLoad[p]! += g.load[node]!;
      partSize[p]!++;
      before += g.load[node]!;
    }
    const limit = (total / n) * (1 + tolerance);
    const links = new Float64Array(n);
    for (let pass = 0; pass < passes; pass++) {
      let moved = 0;
      for (const node of order) {
        const own = part[node]!;
        if (partSize[own] === 1) continue;
        for (let e = g.start[node]!; e < g.start[node + 1]!; e++) links[part[g.adj[e]!]!] = 0;
        links[own] = 0;
        for (let e = g.start[node]!; e < g.start[node + 1]!; e++) links[part[g.adj[e]!]!]! += g.weight[e]!;
        const load = g.load[node]!;
        let best = -1;
        let bestGain = -Infinity;
        for (let e = g.start[node]!; e < g.start[node + 1]!; e++) {
          const p = part[g.adj[e]!]!;
          if (p === own || partLoad[p]! + load > limit) continue;
          const gain = links[p]! - links[own]!;
          // A move must cut fewer links, or as many while evening out the load.
          if (gain < 0 || (gain === 0 && partLoad[p]! + load >= partLoad[own]!)) continue;
          if (gain > bestGain || (gain === bestGain && partLoad[p]! < partLoad[best]!)) {
            best = p;
            bestGain = gain;
          }
        }
        if (best === -1) continue;
        part[node] = best;
        partLoad[own]! -= load;
        partLoad[best]! += load;
        partSize[own]!--;
        partSize[best]!++;
        moved++;
      }
      if (moved === 0) break;
    }
    const groups: Group[] = Array.from({ length: n }, (_, i) => ({ name: `part${i}`, components: [] }));
    for (const node of order) groups[part[node]!]!.components.push(...g.members[node]!);
    for (const g of groups) g.components.sort((x, y) => x - y);
    return groups.filter((g) => g.components.length > 0);
  };
}
