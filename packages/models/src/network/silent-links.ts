import type { Silence } from '@splitsim/system';
import type { HostNet, SwitchNet } from './routing.ts';

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
  readonly components: ReadonlyArray<{ readonly id: number; readonly path: string }>;
  readonly links: ReadonlyArray<{ readonly a: { readonly component: number; readonly port: string }; readonly b: { readonly component: number; readonly port: string } }>;
  isSwitch: readonly boolean[];
  isHost: readonly boolean[];
  isNic: readonly boolean[];
  /** Packets from component `src` to host `dst` (component ids), and back if `twoWay`. */
  flows: ReadonlyArray<{ src: number; dst: number; twoWay: boolean }>;
  switchPortIndex(name: string): number;
  /** The `net` routing gives a component (HostNet, SwitchNet). */
  net(id: number): Record<string, unknown> | undefined;
}

/** For each link, its silent ends, or null where both may send. */
export function silentLinks(s: SilenceInput): Array<Silence | null> {
  const nLinks = s.links.length;
  const isNet = (c: number): boolean => s.isSwitch[c]! || s.isHost[c]! || s.isNic[c]!;
  // Bit 1: end a may send; bit 2: end b may send.
  const sends = new Uint8Array(nLinks);
  const analysed = new Uint8Array(nLinks);
  // Per component: its links as (link, end it holds, peer); per switch port: the same.
  const linksOf: Array<Array<{ link: number; end: 1 | 2; peer: number }>> = s.components.map(() => []);
  const portLink: Array<Map<number, { link: number; end: 1 | 2; peer: number }>> = s.components.map(() => new Map());
  s.links.forEach((l, i) => {
    const ca = l.a.component;
    const cb = l.b.component;
    linksOf[ca]!.push({ link: i, end: 1, peer: cb });
    linksOf[cb]!.push({ link: i, end: 2, peer: ca });
    if (s.isSwitch[ca]) portLink[ca]!.set(s.switchPortIndex(l.a.port), { link: i, end: 1, peer: cb });
    if (s.isSwitch[cb]) portLink[cb]!.set(s.switchPortIndex(l.b.port), { link: i, end: 2, peer: ca });
    const pci = (s.isHost[ca]! && s.isNic[cb]!) || (s.isNic[ca]! && s.isHost[cb]!);
    if (isNet(ca) && isNet(cb) && !pci && (s.isSwitch[ca] || s.isSwitch[cb])) analysed[i] = 1;
  });

  // The switches a host's packets enter the network at, marking the links they take to get there.
  const entries = (host: number): number[] => {
    const out: number[] = [];
    for (const e of linksOf[host]!) {
      if (s.isSwitch[e.peer]) {
        sends[e.link] = sends[e.link]! | e.end;
        out.push(e.peer);
      } else if (s.isNic[e.peer]) {
        for (const f of linksOf[e.peer]!) {
          if (!s.isSwitch[f.peer]) continue;
          sends[f.link] = sends[f.link]! | f.end;
          out.push(f.peer);
        }
      }
    }
    return out;
  };

  const seen = new Int32Array(s.components.length).fill(-1);
  let flow = 0;
  const route = (src: number, dst: number): void => {
    flow++;
    const stack = entries(src);
    const address = (s.net(dst) as HostNet).address;
    while (stack.length > 0) {
      const sw = stack.pop()!;
      if (seen[sw] === flow) continue;
      seen[sw] = flow;
      const net = s.net(sw) as SwitchNet;
      const g = net.dst[address] ?? -1;
      if (g < 0) continue;
      for (const port of net.groups[g]!) {
        const e = portLink[sw]!.get(port);
        if (!e) continue;
        sends[e.link] = sends[e.link]! | e.end;
        if (s.isSwitch[e.peer]) stack.push(e.peer);
      }
    }
  };

  for (const f of s.flows) {
    route(f.src, f.dst);
    if (f.twoWay) route(f.dst, f.src);
  }

  const out: Array<Silence | null> = new Array(nLinks).fill(null);
  for (let i = 0; i < nLinks; i++) {
    if (!analysed[i]) continue;
    const m = sends[i]!;
    out[i] = m === 0 ? 'both' : m === 1 ? 'b' : m === 2 ? 'a' : null;
  }
  return out;
}
