import { z } from 'zod';
import { defineStep, type Problem, type Silence, type StepInput, type StepResult } from '@splitsim/system';
import { silentLinks } from './silent-links.ts';


/**
 * Routes as plain data. A model sees only its own params and ports, so the topology-wide facts a
 * network model needs are computed here, once, while the plan is resolved (the `network` step),
 * and added to each component's parameters in the plan under the key `net`:
 *
 * - every host gets an address (dense, in component id order), the bandwidth of its network
 *   link, and the addresses of the hosts its applications talk to;
 * - every switch gets the bandwidth of each port and a forwarding table: for each destination
 *   address, the set of its ports on a shortest path (several ports: ECMP, the switch picks one
 *   by hashing the flow);
 * - every NIC gets the bandwidth of its network link;
 * - every link between switches, hosts and NICs whose ends never send (no application's route
 *   leads through them that way) is marked silent (see silent-links.ts), so that the runtime
 *   asks no promises of those ends.
 *
 * What a component is to routing comes from the roles of its model (`switch`, `host`, `nic`),
 * so a user's own switch or host model takes part by declaring the role. It is a pure function
 * of the system and the model choice, so every instance of every partition sees the same tables.
 */

const MISSING = 'missing: the network step computes it while the plan is resolved; give the model the role it needs (switch, host or nic)';
/** For `splitsim models`: a user never writes `net`, the network step does. */
const DERIVED = { derived: 'network step' };

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
  .strict()
  .meta(DERIVED);

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
  .strict()
  .meta(DERIVED);

/** `net` of a NIC. */
export const nicNet = z.object({ rate: z.number().positive() }, { error: (issue) => (issue.input === undefined ? MISSING : undefined) }).strict().meta(DERIVED);

export type SwitchNet = z.output<typeof switchNet>;
export type HostNet = z.output<typeof hostNet>;
export type NicNet = z.output<typeof nicNet>;

export interface Routes {
  /** `net` of every switch, host and NIC, by component id. */
  net: Map<number, { net: SwitchNet | HostNet | NicNet }>;
  /** Per link: the ends that never send, or null. */
  silent: Array<Silence | null>;
  problems: Problem[];
  /** Address of each host, by path. */
  addresses: Map<string, number>;
}

const PORT_NAME = /^p(\d+)$/;

export function switchPortIndex(name: string): number {
  const m = PORT_NAME.exec(name);
  return m ? Number(m[1]) : -1;
}

const has = (roles: readonly string[], role: string) => roles.includes(role);

/** Computes addresses, port bandwidths, shortest-path ECMP tables and silent link ends. */
export function routeNetwork(input: StepInput): Routes {
  const comps = input.components;
  const n = comps.length;
  const isSwitch = comps.map((c) => has(c.roles, 'switch'));
  const isHost = comps.map((c) => has(c.roles, 'host'));
  const isNic = comps.map((c) => has(c.roles, 'nic'));
  const problems: Problem[] = [];
  const net = new Map<number, { net: SwitchNet | HostNet | NicNet }>();
  const addresses = new Map<string, number>();
  if (!isSwitch.some(Boolean) && !isHost.some(Boolean)) return { net, silent: input.links.map(() => null), problems, addresses };

  // Adjacency: for each component, (its port, the peer component, the link's bandwidth).
  const adj: Array<Array<{ port: string; peer: number; bandwidth: number }>> = comps.map(() => []);
  for (const l of input.links) {
    const bw = l.bandwidth ?? 0;
    adj[l.a.component]!.push({ port: l.a.port, peer: l.b.component, bandwidth: bw });
    adj[l.b.component]!.push({ port: l.b.port, peer: l.a.component, bandwidth: bw });
  }

  const hosts = comps.filter((c) => isHost[c.id]).map((c) => c.id);
  const address = new Int32Array(n).fill(-1);
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
      if (i < 0) problems.push({ where: `${c.path}.${e.port}`, message: 'switch ports must be named p0, p1, …' });
      else if (!(e.bandwidth > 0)) problems.push({ where: `${c.path}.${e.port}`, message: 'the link has no bandwidth' });
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
      net.set(c.id, { net: { rates: rates.get(c.id)!, groups: g.list, dst: g.dst } });
    } else if (isHost[c.id]) {
      const peers: Record<string, number> = {};
      for (const app of appsOf(c.params)) {
        const to = input.apps.get(app.type)?.talksTo?.(app);
        if (!to) continue;
        const a = addresses.get(to.host);
        if (a === undefined) problems.push({ where: c.path, message: `application ${app.type} names "${to.host}", which is not a host of the network (no model with the role host simulates it)` });
        else {
          peers[to.host] = a;
          flows.push({ src: c.id, dst: hosts[a]!, twoWay: to.answered });
        }
      }
      const rate = networkRate(c.id);
      if (adj[c.id]!.some((e) => isSwitch[e.peer]) && !(rate > 0)) problems.push({ where: c.path, message: 'its network link has no bandwidth' });
      net.set(c.id, { net: { address: address[c.id]!, rate, peers } });
    } else if (isNic[c.id]) {
      const rate = networkRate(c.id);
      if (!(rate > 0)) problems.push({ where: c.path, message: 'its network link has no bandwidth' });
      else net.set(c.id, { net: { rate } });
    }
  }

  // Every destination an application names must be reachable from the sender.
  for (const c of comps) {
    if (!isHost[c.id]) continue;
    const peers = (net.get(c.id)!.net as HostNet).peers;
    for (const [path, a] of Object.entries(peers)) {
      if (!reachable(c.id, hosts[a]!, adj, isHost)) problems.push({ where: c.path, message: `no path to ${path}` });
    }
  }
  if (problems.length > 0) return { net, silent: input.links.map(() => null), problems, addresses };
  const netOf = (id: number) => net.get(id)?.net as Record<string, unknown> | undefined;
  const silent = silentLinks({ components: comps, links: input.links, isSwitch, isHost, isNic, flows, switchPortIndex, net: netOf });
  return { net, silent, problems, addresses };
}

/** The network step: routes of every packet-level model, and the silent ends of their links. */
export const networkStep = defineStep({
  step: 'network',
  description: 'addresses, port bandwidths and shortest-path ECMP forwarding tables (`net`) for models with the roles switch, host and nic; silent link ends',
  derive(input: StepInput): StepResult {
    const r = routeNetwork(input);
    return { params: r.net, silent: r.silent, problems: r.problems };
  },
});

function appsOf(params: Readonly<Record<string, unknown>>): Array<{ type: string } & Record<string, unknown>> {
  const apps = params.apps;
  return Array.isArray(apps) ? apps : [];
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
