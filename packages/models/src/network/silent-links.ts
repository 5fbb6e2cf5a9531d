import type { Silence } from '@splitsim/system';
import type { Forwarding } from './forwarding.ts';
import type { DestinationClasses, NetGraph } from './net-graph.ts';

/**
 * Which ends of the network's links can never send, found from the applications and the routes.
 *
 * The conservative protocol makes every pair of instances joined by a cut link exchange promises
 * at every lookahead, whether or not a packet can ever cross. In the fat tree's `rack` workload
 * no packet leaves its rack, yet two instances holding different racks ran in lockstep at 500 ns
 * and 0.28× the speed of one (docs/BENCHMARKS.md). Knowing that a link end never sends, the
 * runtime asks no promises of it, and instances that share only such links run apart.
 *
 * What may travel: for every application, packets from its host to the host it names, and back
 * where the peer answers (TCP acknowledgements, RPC responses; each application's talksTo()
 * says). A packet leaves its host on the host's
 * links to switches, or through a NIC's link to a switch; each switch forwards it on the ports
 * of its equal-cost group for the destination; it stops at a host or a NIC. Every link end on
 * such a path may send. The rest of the links between switches, hosts and NICs are silent
 * there. Links that touch anything else (a PCI link between host and NIC carries doorbells
 * whatever the traffic) are left out: they may always send. The runtime checks the claim: a
 * message sent from a silent end fails the run, naming the link.
 */
export interface SilenceInput {
  readonly graph: NetGraph;
  readonly classes: DestinationClasses;
  readonly forwarding: Forwarding;
  readonly links: number;
  /** Packets from component `src` to host `dst` (component ids), and back if `twoWay`. */
  flows: ReadonlyArray<{ src: number; dst: number; twoWay: boolean }>;
}

/**
 * For each link, its silent ends, or null where both may send. A packet's way through the
 * switches depends only on where it enters and on its destination's class: that walk is made once
 * per (entry switch, class), and each flow adds only its last hop, to its own host.
 */
export function silentLinks(s: SilenceInput): Array<Silence | null> {
  const g = s.graph;
  const isNet = (c: number): boolean => g.isSwitch[c]! === 1 || g.isHost[c]! === 1 || g.isNic[c]! === 1;
  // Bit 1: end a may send; bit 2: end b may send.
  const sends = new Uint8Array(s.links);
  const analysed = new Uint8Array(s.links);
  // Per switch: adjacency entry of each port index.
  const portEntry = new Map<number, Map<number, number>>();
  for (let c = 0; c < g.n; c++) {
    for (let k = g.start[c]!; k < g.start[c + 1]!; k++) {
      const p = g.peer[k]!;
      if (g.isSwitch[c]) {
        let m = portEntry.get(c);
        if (!m) portEntry.set(c, (m = new Map()));
        m.set(g.portIndex[k]!, k);
      }
      // Each link once, from its end a.
      if (g.end[k] !== 1) continue;
      const pci = (g.isHost[c] && g.isNic[p]) || (g.isNic[c] && g.isHost[p]);
      if (isNet(c) && isNet(p) && !pci && (g.isSwitch[c] || g.isSwitch[p])) analysed[g.link[k]!] = 1;
    }
  }
  const mark = (k: number) => (sends[g.link[k]!] = sends[g.link[k]!]! | g.end[k]!);

  // The switches a host's packets enter the network at, marking the links they take to get there.
  const entries = (host: number): number[] => {
    const out: number[] = [];
    for (let k = g.start[host]!; k < g.start[host + 1]!; k++) {
      const p = g.peer[k]!;
      if (g.isSwitch[p]) {
        mark(k);
        out.push(p);
      } else if (g.isNic[p]) {
        for (let j = g.start[p]!; j < g.start[p + 1]!; j++) {
          if (!g.isSwitch[g.peer[j]!]) continue;
          mark(j);
          out.push(g.peer[j]!);
        }
      }
    }
    return out;
  };

  // The walk from one entry switch toward one class: marks every hop but the last, and returns
  // the switches the class's hosts hang off that it reaches.
  const seen = new Int32Array(g.n).fill(-1);
  let walkNo = 0;
  const walks = new Map<number, number[]>();
  const walk = (entry: number, cls: number): number[] => {
    const key = entry * s.classes.count + cls;
    const known = walks.get(key);
    if (known) return known;
    const reached: number[] = [];
    const stack = [entry];
    const w = walkNo++;
    while (stack.length > 0) {
      const sw = stack.pop()!;
      if (seen[sw] === w) continue;
      seen[sw] = w;
      const group = s.forwarding.classGroup(sw, cls);
      if (group === s.forwarding.attached) reached.push(sw);
      if (group < 0) continue;
      const ports = portEntry.get(sw);
      for (const port of s.forwarding.groupPorts(sw, group)) {
        const k = ports?.get(port);
        if (k === undefined) continue;
        mark(k);
        if (g.isSwitch[g.peer[k]!]) stack.push(g.peer[k]!);
      }
    }
    walks.set(key, reached);
    return reached;
  };

  const route = (src: number, dst: number): void => {
    const cls = s.classes.classOf[dst]!;
    for (const entry of entries(src)) {
      for (const sw of walk(entry, cls)) {
        const ports = portEntry.get(sw);
        for (const port of s.forwarding.hostPorts(sw, dst)) {
          const k = ports?.get(port);
          if (k !== undefined) mark(k);
        }
      }
    }
  };

  for (const f of s.flows) {
    route(f.src, f.dst);
    if (f.twoWay) route(f.dst, f.src);
  }

  const out: Array<Silence | null> = new Array(s.links).fill(null);
  for (let i = 0; i < s.links; i++) {
    if (!analysed[i]) continue;
    const m = sends[i]!;
    out[i] = m === 0 ? 'both' : m === 1 ? 'b' : m === 2 ? 'a' : null;
  }
  return out;
}
