import { z } from 'zod';
import { SplitSimError } from '@splitsim/kernel';
import { builtinKinds, defineKind, type KindSpec } from '@splitsim/system';
import { silentLinks } from './silent-links.ts';

/**
 * Routes as plain data. A model sees only its own params and ports, so the topology-wide facts a
 * network model needs are computed here, once, from the system alone, and written into each
 * component's params under the key `net` before the system is instantiated:
 *
 * - every host gets an address (dense, in component id order), the bandwidth of its network
 *   link, and the addresses of the hosts its applications name;
 * - every switch gets the bandwidth of each port and a forwarding table: for each destination
 *   address, the set of its ports on a shortest path (several ports: ECMP, the switch picks one
 *   by hashing the flow);
 * - every NIC gets the bandwidth of its network link.
 *
 * - every link between switches, hosts and NICs whose ends never send (no application's route
 *   leads through them that way) gets `silent` (see silent-links.ts), so that the runtime asks
 *   no promises of those ends.
 *
 * It is a pure function of the system, so every instance of every partition sees the same
 * tables. Configs call it after building the topology and before instantiating:
 * `routeNetwork(system)`. The system must be created with `new System(name, { kinds: networkKinds })`
 * so that the host, NIC and switch kinds accept the `net` key.
 */

const MISSING = 'missing: call routeNetwork(system) after the topology is built and before instantiate()';

/** How a switch picks among equal-cost ports: by the flow hash, or at random for every packet. */
export const ecmpMode = z.enum(['flow', 'packet']);

/**
 * The built-in host, nic and switch kinds, their parameters extended with an optional `net`
 * (checked by the models, written by routeNetwork) and, for hosts, optional `tcp` settings. Pass to `new System(name, { kinds: networkKinds })`.
 */
export const networkKinds: readonly KindSpec[] = ['host', 'nic', 'switch'].map((name) => {
  const kind = builtinKinds.get(name)!;
  const params = kind.params as z.ZodObject;
  const net = z.record(z.string(), z.unknown()).optional();
  // Hosts also take TCP settings (checked by the host models against tcpParams), switches an ECMP mode.
  const extra = name === 'host' ? { net, tcp: z.record(z.string(), z.unknown()).optional(), framing: z.enum(['ethernet', 'ppp']).optional() } : name === 'switch' ? { net, ecmp: ecmpMode.optional() } : { net };
  return defineKind({ ...kind, params: params.extend(extra) });
});

/** The parts of a system routing reads (structurally a `System` from @splitsim/system). */
export interface RoutedSystem {
  readonly components: ReadonlyArray<{ readonly id: number; readonly path: string; readonly kind: string; readonly params: Record<string, unknown> }>;
  readonly links: ReadonlyArray<{
    readonly a: { readonly component: number; readonly port: string };
    readonly b: { readonly component: number; readonly port: string };
    readonly bandwidth?: number;
  }>;
}

export interface RouteOptions {
  /** Kinds that forward packets; their ports must be named p0, p1, … (default ['switch']). */
  switchKinds?: readonly string[];
  /** Kinds that send and receive packets and get addresses (default ['host']). */
  hostKinds?: readonly string[];
  /** Kinds between a host and a switch that pass packets through (default ['nic']). */
  nicKinds?: readonly string[];
}

/** `net` of a switch: port bandwidths and the forwarding table. */
export const switchNet = z
  .object(
    {
      /** Bits per second of the link on port p<i>, 0 where none. */
      rates: z.array(z.number().nonnegative()),
      /** Distinct sets of equal-cost output ports (port indices). */
      groups: z.array(z.array(z.number().int().nonnegative()).min(1)),
      /** For each destination address, its index in `groups`, or -1 when unreachable. */
      dst: z.array(z.number().int().min(-1)),
    },
    { error: (issue) => (issue.input === undefined ? MISSING : undefined) },
  )
  .strict();

/** `net` of a host. */
export const hostNet = z
  .object(
    {
      address: z.number().int().nonnegative(),
      /** Bits per second of its network link; 0 when the host reaches the network through a NIC. */
      rate: z.number().nonnegative(),
      /** Addresses of the hosts its applications name, by path. */
      peers: z.record(z.string(), z.number().int().nonnegative()),
    },
    { error: (issue) => (issue.input === undefined ? MISSING : undefined) },
  )
  .strict();

/** `net` of a NIC. */
export const nicNet = z.object({ rate: z.number().positive() }, { error: (issue) => (issue.input === undefined ? MISSING : undefined) }).strict();

export type SwitchNet = z.output<typeof switchNet>;
export type HostNet = z.output<typeof hostNet>;

export interface RouteSummary {
  /** Address of each host, by path. */
  addresses: Map<string, number>;
  hosts: number;
  switches: number;
  /** Links with at least one end that never sends. */
  silentLinks: number;
}

const PORT_NAME = /^p(\d+)$/;
/** Application types whose packets go one way only: the receiver never answers. */
const ONE_WAY = new Set(['udp-cbr', 'udp-poisson']);

export function switchPortIndex(name: string): number {
  const m = PORT_NAME.exec(name);
  return m ? Number(m[1]) : -1;
}

/** Computes addresses, port bandwidths and shortest-path ECMP tables; writes them to `params.net`. */
export function routeNetwork(system: RoutedSystem, options: RouteOptions = {}): RouteSummary {
  const switchKinds = new Set(options.switchKinds ?? ['switch']);
  const hostKinds = new Set(options.hostKinds ?? ['host']);
  const nicKinds = new Set(options.nicKinds ?? ['nic']);
  const comps = system.components;
  const n = comps.length;
  const isSwitch = comps.map((c) => switchKinds.has(c.kind));
  const isHost = comps.map((c) => hostKinds.has(c.kind));
  const problems: string[] = [];

  // Adjacency: for each component, (its port, the peer component, the link's bandwidth).
  const adj: Array<Array<{ port: string; peer: number; bandwidth: number }>> = comps.map(() => []);
  for (const l of system.links) {
    const bw = l.bandwidth ?? 0;
    adj[l.a.component]!.push({ port: l.a.port, peer: l.b.component, bandwidth: bw });
    adj[l.b.component]!.push({ port: l.b.port, peer: l.a.component, bandwidth: bw });
  }

  const hosts = comps.filter((c) => isHost[c.id]).map((c) => c.id);
  const address = new Int32Array(n).fill(-1);
  const addresses = new Map<string, number>();
  hosts.forEach((id, a) => {
    address[id] = a;
    addresses.set(comps[id]!.path, a);
  });

  // Switch port bandwidths.
  const rates = new Map<number, number[]>();
  for (const c of comps) {
    if (!isSwitch[c.id]) continue;
    const r: number[] = [];
    for (const e of adj[c.id]!) {
      const i = switchPortIndex(e.port);
      if (i < 0) problems.push(`${c.path}.${e.port}: switch ports must be named p0, p1, …`);
      else if (!(e.bandwidth > 0)) problems.push(`${c.path}.${e.port}: the link has no bandwidth`);
      else {
        while (r.length <= i) r.push(0);
        r[i] = e.bandwidth;
      }
    }
    rates.set(c.id, r);
  }

  // One breadth-first search per destination host, over everything but other hosts; a switch's
  // next hops toward it are its ports whose peer is one step closer.
  const groups = new Map<number, { list: number[][]; index: Map<string, number>; dst: number[] }>();
  for (const c of comps) if (isSwitch[c.id]) groups.set(c.id, { list: [], index: new Map(), dst: new Array(hosts.length).fill(-1) });
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  for (const h of hosts) {
    dist.fill(-1);
    dist[h] = 0;
    let qh = 0;
    let qt = 0;
    queue[qt++] = h;
    while (qh < qt) {
      const v = queue[qh++]!;
      if (v !== h && isHost[v]) continue;
      for (const e of adj[v]!) {
        if (dist[e.peer] === -1) {
          dist[e.peer] = dist[v]! + 1;
          queue[qt++] = e.peer;
        }
      }
    }
    const a = address[h]!;
    for (const [s, g] of groups) {
      const d = dist[s]!;
      if (d <= 0) continue;
      const ports: number[] = [];
      for (const e of adj[s]!) {
        if (dist[e.peer] !== d - 1) continue;
        // Only the destination itself may be a host on the way (hosts do not forward).
        if (isHost[e.peer] && e.peer !== h) continue;
        const i = switchPortIndex(e.port);
        if (i >= 0 && !ports.includes(i)) ports.push(i);
      }
      if (ports.length === 0) continue;
      ports.sort((x, y) => x - y);
      const key = ports.join(',');
      let gi = g.index.get(key);
      if (gi === undefined) {
        gi = g.list.length;
        g.list.push(ports);
        g.index.set(key, gi);
      }
      g.dst[a] = gi;
    }
  }

  // A host's or NIC's network link is the one to a switch; failing that, any link with a bandwidth.
  const networkRate = (id: number): number => {
    let toSwitch = 0;
    let any = 0;
    for (const e of adj[id]!) {
      if (isSwitch[e.peer]) toSwitch = Math.max(toSwitch, e.bandwidth);
      any = Math.max(any, e.bandwidth);
    }
    return toSwitch > 0 ? toSwitch : any;
  };

  const flows: Array<{ src: number; dst: number; twoWay: boolean }> = [];
  for (const c of comps) {
    if (isSwitch[c.id]) {
      const g = groups.get(c.id)!;
      setNet(c, { rates: rates.get(c.id)!, groups: g.list, dst: g.dst } satisfies SwitchNet);
    } else if (isHost[c.id]) {
      const peers: Record<string, number> = {};
      for (const app of appsOf(c.params)) {
        for (const target of [app.dst, app.server]) {
          if (typeof target !== 'string') continue;
          const a = addresses.get(target);
          if (a === undefined) problems.push(`${c.path}: application ${String(app.type)} names "${target}", which is not a host (${hostKindsText(hostKinds)})`);
          else {
            peers[target] = a;
            flows.push({ src: c.id, dst: hosts[a]!, twoWay: !ONE_WAY.has(String(app.type)) });
          }
        }
      }
      const rate = networkRate(c.id);
      if (adj[c.id]!.some((e) => isSwitch[e.peer]) && !(rate > 0)) problems.push(`${c.path}: its network link has no bandwidth`);
      setNet(c, { address: address[c.id]!, rate, peers } satisfies HostNet);
    } else if (nicKinds.has(c.kind)) {
      const rate = networkRate(c.id);
      if (!(rate > 0)) problems.push(`${c.path}: its network link has no bandwidth`);
      else setNet(c, { rate });
    }
  }

  // Every destination an application names must be reachable from the sender.
  for (const c of comps) {
    if (!isHost[c.id]) continue;
    const peers = (system.components[c.id]!.params.net as HostNet).peers;
    for (const [path, a] of Object.entries(peers)) {
      if (!reachable(c.id, hosts[a]!, adj, isHost)) problems.push(`${c.path}: no path to ${path}`);
    }
  }
  if (problems.length > 0) {
    throw new SplitSimError('E_CONFIG', `routeNetwork: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
  const silence = silentLinks({ components: comps, links: system.links, isSwitch, isHost, isNic: comps.map((c) => nicKinds.has(c.kind)), flows, switchPortIndex });
  system.links.forEach((l, i) => {
    const link = l as { silent?: unknown };
    if (silence[i]) link.silent = silence[i];
    else delete link.silent;
  });
  return { addresses, hosts: hosts.length, switches: groups.size, silentLinks: silence.filter((x) => x !== null).length };
}

/**
 * Gives the component a copy of its params with `net` set: builders may hand several components
 * one params object, and each needs its own tables.
 */
function setNet(c: RoutedSystem['components'][number], net: object): void {
  (c as { params: Record<string, unknown> }).params = { ...c.params, net };
}

function appsOf(params: Record<string, unknown>): Array<{ type?: unknown; dst?: unknown; server?: unknown }> {
  const apps = params.apps;
  return Array.isArray(apps) ? (apps as Array<{ type?: unknown; dst?: unknown; server?: unknown }>) : [];
}

function hostKindsText(kinds: Set<string>): string {
  return `kinds ${[...kinds].join(', ')}`;
}

function reachable(from: number, to: number, adj: Array<Array<{ peer: number }>>, isHost: boolean[]): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === to) return true;
    if (v !== from && isHost[v]) continue;
    for (const e of adj[v]!) if (!seen.has(e.peer)) {
      seen.add(e.peer);
      stack.push(e.peer);
    }
  }
  return false;
}

/**
 * A switch's forwarding table in typed arrays: group of each destination, and the ports of each
 * group laid end to end. Built once in the switch's constructor from its `net` params.
 */
export class ForwardingTable {
  /** Per destination: its port when there is one, else -2 - (offset of its group in `groups`), -1 when unreachable. */
  private readonly route: Int32Array;
  /** Equal-cost groups, each as [size, port, port, …], back to back. */
  private readonly groups: Int32Array;

  constructor(net: SwitchNet, private readonly salt: number) {
    const offsets: number[] = [];
    const flat: number[] = [];
    for (const g of net.groups) {
      offsets.push(flat.length);
      flat.push(g.length, ...g);
    }
    this.groups = Int32Array.from(flat);
    // One array read for the common case, a destination behind a single port.
    this.route = Int32Array.from(net.dst, (g) => (g < 0 ? -1 : net.groups[g]!.length === 1 ? net.groups[g]![0]! : -2 - offsets[g]!));
  }

  /** Output port for a packet to `dst` of flow `hash`, or -1 when the table has no route. */
  lookup(dst: number, hash: number): number {
    const r = this.port(dst);
    return r >= -1 ? r : this.pick(r, hash);
  }

  /** The one port to `dst` (≥ 0), -1 for no route, or (below -1) a group to pick from with pick(). */
  port(dst: number): number {
    return dst < this.route.length ? this.route[dst]! : -1;
  }

  /** The port of equal-cost group `r` (from port()) for a uniform random number `u` in [0, 1): ECMP per packet. */
  spray(r: number, u: number): number {
    const o = -2 - r;
    return this.groups[o + 1 + Math.floor(u * this.groups[o]!)]!;
  }

  /** The port of equal-cost group `r` (from port()) for flow `hash`. */
  pick(r: number, hash: number): number {
    const o = -2 - r;
    const n = this.groups[o]!;
    // Mixing with a per-switch salt keeps successive tiers from choosing alike (ECMP polarization).
    let h = Math.imul(hash ^ this.salt, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77);
    h ^= h >>> 13;
    return this.groups[o + 1 + ((h >>> 0) % n)]!;
  }
}
