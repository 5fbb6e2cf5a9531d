import type { StepInput } from '@splitsim/system';

/**
 * The network as the routing step reads it, in flat arrays: a 100 k-host datacenter has about
 * 200 k links, and an object per adjacency entry would cost more than the routing itself.
 *
 * Hosts do not forward. So every host with the same non-host neighbours (a rack's hosts, all on
 * one top-of-rack switch) is, to every other component, the same destination: one breadth-first
 * search and one next-hop set per switch serve them all, and only the switches they hang off see
 * them apart. Those groups are the destination classes; routing costs one search per class, not
 * one per host.
 */
export interface NetGraph {
  readonly n: number;
  readonly isSwitch: Uint8Array;
  readonly isHost: Uint8Array;
  readonly isNic: Uint8Array;
  /** Adjacency of component c: entries start[c] … start[c + 1] - 1, in link order. */
  readonly start: Int32Array;
  readonly peer: Int32Array;
  readonly link: Int32Array;
  /** Which end of the link c holds: 1 (a) or 2 (b). */
  readonly end: Uint8Array;
  /** c's port index (p<i>) when c is a switch, else -1; -1 also for a switch port not named p<i>. */
  readonly portIndex: Int32Array;
  readonly bandwidth: Float64Array;
  /** The entry's port name, read only for messages. */
  portName(entry: number): string;
  /** The adjacency between non-hosts only: what a search may walk through. */
  readonly nhStart: Int32Array;
  readonly nhPeer: Int32Array;
  readonly nhPortIndex: Int32Array;
  /** The port index at the peer's end of the same link (-1 when the peer is no switch or the port is not p<i>). */
  readonly nhPeerPortIndex: Int32Array;
}

export interface DestinationClasses {
  readonly count: number;
  /** Class of each host (by component id), -1 for other components. */
  readonly classOf: Int32Array;
  /** The non-host neighbours every host of the class hangs off (the search starts there). */
  readonly attach: Int32Array[];
}

const PORT_NAME = /^p(\d+)$/;

export function switchPortIndex(name: string): number {
  const m = PORT_NAME.exec(name);
  return m ? Number(m[1]) : -1;
}

export function netGraph(input: StepInput, roles: { isSwitch: Uint8Array; isHost: Uint8Array; isNic: Uint8Array }): NetGraph {
  const n = input.components.length;
  const links = input.links;
  const degree = new Int32Array(n + 1);
  for (const l of links) {
    degree[l.a.component]!++;
    degree[l.b.component]!++;
  }
  const start = new Int32Array(n + 1);
  for (let c = 0; c < n; c++) start[c + 1] = start[c]! + degree[c]!;
  const m2 = start[n]!;
  const peer = new Int32Array(m2);
  const link = new Int32Array(m2);
  const end = new Uint8Array(m2);
  const portIndex = new Int32Array(m2);
  const bandwidth = new Float64Array(m2);
  const fill = start.slice(0, n);
  const { isSwitch, isHost } = roles;
  links.forEach((l, i) => {
    const bw = l.bandwidth ?? 0;
    for (const [own, other, e] of [[l.a, l.b, 1], [l.b, l.a, 2]] as const) {
      const k = fill[own.component]!++;
      peer[k] = other.component;
      link[k] = i;
      end[k] = e;
      portIndex[k] = isSwitch[own.component] ? switchPortIndex(own.port) : -1;
      bandwidth[k] = bw;
    }
  });
  // The non-host sub-graph, for the searches.
  const nhStart = new Int32Array(n + 1);
  for (let c = 0; c < n; c++) {
    let d = 0;
    if (!isHost[c]) for (let k = start[c]!; k < start[c + 1]!; k++) if (!isHost[peer[k]!]) d++;
    nhStart[c + 1] = nhStart[c]! + d;
  }
  const nhPeer = new Int32Array(nhStart[n]!);
  const nhPortIndex = new Int32Array(nhStart[n]!);
  const nhPeerPortIndex = new Int32Array(nhStart[n]!);
  // Port index of each link end, to read the far end's from the near one.
  const endPort = new Int32Array(2 * links.length);
  for (let k = 0; k < m2; k++) endPort[2 * link[k]! + end[k]! - 1] = portIndex[k]!;
  for (let c = 0; c < n; c++) {
    if (isHost[c]) continue;
    let w = nhStart[c]!;
    for (let k = start[c]!; k < start[c + 1]!; k++) {
      if (isHost[peer[k]!]) continue;
      nhPeer[w] = peer[k]!;
      nhPeerPortIndex[w] = endPort[2 * link[k]! + (2 - end[k]!)]!;
      nhPortIndex[w++] = portIndex[k]!;
    }
  }
  const portName = (k: number): string => {
    const l = links[link[k]!]!;
    return end[k] === 1 ? l.a.port : l.b.port;
  };
  return { n, ...roles, start, peer, link, end, portIndex, bandwidth, portName, nhStart, nhPeer, nhPortIndex, nhPeerPortIndex };
}

/** Groups the hosts by the set of non-host components they hang off (see NetGraph). */
export function destinationClasses(g: NetGraph): DestinationClasses {
  const classOf = new Int32Array(g.n).fill(-1);
  const attach: Int32Array[] = [];
  const byKey = new Map<string, number>();
  const around: number[] = [];
  for (let h = 0; h < g.n; h++) {
    if (!g.isHost[h]) continue;
    around.length = 0;
    for (let k = g.start[h]!; k < g.start[h + 1]!; k++) if (!g.isHost[g.peer[k]!]) around.push(g.peer[k]!);
    around.sort((x, y) => x - y);
    const unique = around.filter((v, i) => i === 0 || v !== around[i - 1]);
    const key = unique.join(',');
    let c = byKey.get(key);
    if (c === undefined) {
      c = attach.length;
      byKey.set(key, c);
      attach.push(Int32Array.from(unique));
    }
    classOf[h] = c;
  }
  return { count: attach.length, classOf, attach };
}

/**
 * Whether `to` can be reached from host `from`: joined directly, or through non-hosts that are
 * connected (hosts do not forward). Union-find over the non-host links, built once.
 */
export function reachability(g: NetGraph): (from: number, to: number) => boolean {
  const parent = new Int32Array(g.n);
  for (let c = 0; c < g.n; c++) parent[c] = c;
  const find = (c: number): number => {
    while (parent[c] !== c) {
      parent[c] = parent[parent[c]!]!;
      c = parent[c]!;
    }
    return c;
  };
  for (let c = 0; c < g.n; c++) {
    for (let k = g.nhStart[c]!; k < g.nhStart[c + 1]!; k++) {
      const a = find(c);
      const b = find(g.nhPeer[k]!);
      if (a !== b) parent[a] = b;
    }
  }
  return (from, to) => {
    const roots = new Set<number>();
    for (let k = g.start[from]!; k < g.start[from + 1]!; k++) {
      const p = g.peer[k]!;
      if (p === to) return true;
      if (!g.isHost[p]) roots.add(find(p));
    }
    for (let k = g.start[to]!; k < g.start[to + 1]!; k++) {
      const p = g.peer[k]!;
      if (!g.isHost[p] && roots.has(find(p))) return true;
    }
    return false;
  };
}
