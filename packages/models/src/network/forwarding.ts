import type { DestinationClasses, NetGraph } from './net-graph.ts';

/**
 * Shortest-path ECMP forwarding tables, one breadth-first search per destination class
 * (net-graph.ts). A switch's next hops toward a class are its ports whose peer is one step
 * closer; toward a switch the class hangs off, they are its ports to that very host, so those
 * are resolved host by host. A switch's table is written run-length encoded over destination
 * addresses: a rack of hosts behind one uplink is one run, so tables grow with the racks a switch
 * tells apart, not with the hosts of the whole network.
 *
 * Cost: classes × (switches + links between non-hosts) for the searches, and a class-by-switch
 * matrix of next-hop groups (4 bytes each): 26 MB for a 100 k-host datacenter of 2 500 racks,
 * 75 MB for a 101 k-host fat tree (k = 74). Past MAX_TABLE entries routing reports a problem
 * instead of exhausting memory.
 */
export const MAX_TABLE = 2 ** 28;

/** In the class matrix: the switch hangs off the class's hosts; its ports are per host. */
const ATTACHED = -2;

export interface SwitchTable {
  /** Distinct sets of equal-cost output ports, in order of first use by address. */
  groups: number[][];
  /** [first address, group, first address, group, …, hosts, -1]: see switchNet.dstRuns. */
  dstRuns: number[];
}

export interface Forwarding {
  /** The table of each switch, by component id. */
  tables: Map<number, SwitchTable>;
  /** Group index (into tables' own numbering) of switch `sw` toward a class: -1 none, ATTACHED per host. */
  classGroup(sw: number, cls: number): number;
  /** Ports of `sw` toward host `h`, where classGroup says it is attached (possibly empty). */
  hostPorts(sw: number, h: number): number[];
  /** Ports of a group that classGroup() returned. */
  groupPorts(sw: number, group: number): readonly number[];
  readonly attached: number;
}

/** Sorted, distinct port sets of one switch, numbered in order of first sight. */
class PortSets {
  readonly list: number[][] = [];
  private readonly index = new Map<string, number>();

  of(ports: number[]): number {
    const key = ports.join(',');
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(ports.slice());
      this.index.set(key, i);
    }
    return i;
  }
}

/** `hostAddresses[a]` is the component id of the host with address a. */
export function forwarding(g: NetGraph, classes: DestinationClasses, hostAddresses: Int32Array): Forwarding | { tooLarge: string } {
  const switches: number[] = [];
  for (let c = 0; c < g.n; c++) if (g.isSwitch[c]) switches.push(c);
  const rowOf = new Int32Array(g.n).fill(-1);
  switches.forEach((s, r) => (rowOf[s] = r));
  const nc = classes.count;
  if (switches.length * nc > MAX_TABLE) {
    return { tooLarge: `${switches.length} switches × ${nc} destination classes (groups of hosts on the same switches) is past ${MAX_TABLE} table entries, the most routing keeps in memory` };
  }
  const matrix = new Int32Array(switches.length * nc).fill(-1);
  const sets = switches.map(() => new PortSets());

  // One search per class, from the components its hosts hang off (at distance 1). A switch's next
  // hops are the links to the components one step closer: the search finds each such link when
  // it expands the closer end, so it notes the switch's port of it then (a list per switch, in
  // pooled arrays), and the switch's set is complete by the time it is taken off the queue.
  const dist = new Int32Array(g.n);
  const stamp = new Int32Array(g.n).fill(-1);
  const queue = new Int32Array(g.n);
  const head = new Int32Array(g.n);
  const nextNote = new Int32Array(g.nhPeer.length);
  const notePort = new Int32Array(g.nhPeer.length);
  const ports: number[] = [];
  // Per switch, the last port set found and its number: consecutive classes mostly agree (every
  // rack but its own is "up" to a top-of-rack switch), and comparing is cheaper than a lookup.
  const lastSet: number[][] = switches.map(() => []);
  const lastLocal = new Int32Array(switches.length).fill(-1);
  let maxPort = 0;
  for (let k = 0; k < g.nhPortIndex.length; k++) if (g.nhPortIndex[k]! > maxPort) maxPort = g.nhPortIndex[k]!;
  const portSeen = new Int32Array(maxPort + 1).fill(-1);
  let token = 0;
  for (let cls = 0; cls < nc; cls++) {
    let qt = 0;
    let notes = 0;
    for (const a of classes.attach[cls]!) {
      stamp[a] = cls;
      dist[a] = 1;
      head[a] = -1;
      queue[qt++] = a;
    }
    for (let qh = 0; qh < qt; qh++) {
      const v = queue[qh]!;
      const dv = dist[v]!;
      const row = rowOf[v]!;
      if (row >= 0) {
        if (dv === 1) matrix[row * nc + cls] = ATTACHED;
        else if (head[v] !== -1) {
          ports.length = 0;
          token++;
          let sorted = true;
          for (let e = head[v]!; e !== -1; e = nextNote[e]!) {
            const i = notePort[e]!;
            if (portSeen[i] === token) continue;
            portSeen[i] = token;
            if (ports.length > 0 && ports[ports.length - 1]! > i) sorted = false;
            ports.push(i);
          }
          if (!sorted) ports.sort((x, y) => x - y);
          const last = lastSet[row]!;
          if (last.length === ports.length && last.every((x, j) => x === ports[j])) matrix[row * nc + cls] = lastLocal[row]!;
          else {
            const local = sets[row]!.of(ports);
            matrix[row * nc + cls] = local;
            lastSet[row] = sets[row]!.list[local]!;
            lastLocal[row] = local;
          }
        }
      }
      for (let k = g.nhStart[v]!; k < g.nhStart[v + 1]!; k++) {
        const p = g.nhPeer[k]!;
        if (stamp[p] !== cls) {
          stamp[p] = cls;
          dist[p] = dv + 1;
          head[p] = -1;
          queue[qt++] = p;
        } else if (dist[p] !== dv + 1) continue;
        // p is one step farther than v: the link is one of p's next hops.
        const i = g.nhPeerPortIndex[k]!;
        if (i < 0 || rowOf[p]! < 0) continue;
        nextNote[notes] = head[p]!;
        notePort[notes] = i;
        head[p] = notes++;
      }
    }
  }

  const hostPorts = (sw: number, h: number): number[] => {
    const out: number[] = [];
    for (let k = g.start[sw]!; k < g.start[sw + 1]!; k++) {
      const i = g.portIndex[k]!;
      if (g.peer[k] === h && i >= 0 && !out.includes(i)) out.push(i);
    }
    return out.sort((x, y) => x - y);
  };

  // Runs of consecutive addresses of one class: a rack's hosts are usually one.
  const hosts = hostAddresses.length;
  const runStart: number[] = [];
  const runClass: number[] = [];
  for (let a = 0; a < hosts; a++) {
    const cls = classes.classOf[hostAddresses[a]!]!;
    if (runClass.length === 0 || runClass[runClass.length - 1] !== cls) {
      runStart.push(a);
      runClass.push(cls);
    }
  }
  runStart.push(hosts);

  // Each switch's table, in address order; groups renumbered by first use, as a reader expects.
  const tables = new Map<number, SwitchTable>();
  switches.forEach((s, row) => {
    const own = sets[row]!;
    const renumber = new Map<number, number>();
    const groups: number[][] = [];
    const number = (local: number): number => {
      let gi = renumber.get(local);
      if (gi === undefined) {
        gi = groups.length;
        groups.push(own.list[local]!);
        renumber.set(local, gi);
      }
      return gi;
    };
    const dstRuns: number[] = [];
    const put = (a: number, gi: number) => {
      if (dstRuns.length === 0 || dstRuns[dstRuns.length - 1] !== gi) dstRuns.push(a, gi);
    };
    for (let r = 0; r < runClass.length; r++) {
      const local = matrix[row * nc + runClass[r]!]!;
      if (local === -1) put(runStart[r]!, -1);
      else if (local !== ATTACHED) put(runStart[r]!, number(local));
      else {
        for (let a = runStart[r]!; a < runStart[r + 1]!; a++) {
          const hp = hostPorts(s, hostAddresses[a]!);
          put(a, hp.length === 0 ? -1 : number(own.of(hp)));
        }
      }
    }
    dstRuns.push(hosts, -1);
    tables.set(s, { groups, dstRuns });
  });

  return {
    tables,
    classGroup: (sw, cls) => matrix[rowOf[sw]! * nc + cls]!,
    hostPorts,
    groupPorts: (sw, group) => sets[rowOf[sw]!]!.list[group]!,
    attached: ATTACHED,
  };
}
