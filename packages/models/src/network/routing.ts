import { z } from 'zod';
import { defineStep, type Problem, type Silence, type StepInput, type StepResult } from '@splitsim/system';
import { forwarding } from './forwarding.ts';
import { destinationClasses, netGraph, reachability, switchPortIndex } from './net-graph.ts';
import { silentLinks } from './silent-links.ts';

export { switchPortIndex };


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
      /**
       * Destination address → index in `groups` (-1: unreachable), run-length encoded:
       * `[first address, group, first address, group, …, hosts, -1]`. A run lasts until the next
       * begins; the last pair starts at the number of hosts. A rack behind one uplink is one run.
       */
      dstRuns: z.array(z.number().int().min(-1)).refine(runsInOrder, 'must be [first address, group, …, hosts, -1], addresses rising from 0'),
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

/** Computes addresses, port bandwidths, shortest-path ECMP tables and silent link ends. */
export function routeNetwork(input: StepInput): Routes {
  const comps = input.components;
  const n = comps.length;
  const roles = { isSwitch: new Uint8Array(n), isHost: new Uint8Array(n), isNic: new Uint8Array(n) };
  comps.forEach((c, i) => {
    roles.isSwitch[i] = c.roles.includes('switch') ? 1 : 0;
    roles.isHost[i] = c.roles.includes('host') ? 1 : 0;
    roles.isNic[i] = c.roles.includes('nic') ? 1 : 0;
  });
  const { isSwitch, isHost, isNic } = roles;
  const problems: Problem[] = [];
  const net = new Map<number, { net: SwitchNet | HostNet | NicNet }>();
  const addresses = new Map<string, number>();
  if (!isSwitch.includes(1) && !isHost.includes(1)) return { net, silent: input.links.map(() => null), problems, addresses };
  const g = netGraph(input, roles);

  const hosts: number[] = [];
  for (let c = 0; c < n; c++) if (isHost[c]) hosts.push(c);
  const address = new Int32Array(n).fill(-1);
  hosts.forEach((id, a) => {
    address[id] = a;
    addresses.set(comps[id]!.path, a);
  });

  // Switch port bandwidths.
  const rates = new Map<number, number[]>();
  for (let c = 0; c < n; c++) {
    if (!isSwitch[c]) continue;
    const r: number[] = [];
    for (let k = g.start[c]!; k < g.start[c + 1]!; k++) {
      const i = g.portIndex[k]!;
      const where = `${comps[c]!.path}.${g.portName(k)}`;
      if (i < 0) problems.push({ where, message: 'switch ports must be named p0, p1, …' });
      else if (!(g.bandwidth[k]! > 0)) problems.push({ where, message: 'the link has no bandwidth' });
      else {
        while (r.length <= i) r.push(0);
        r[i] = g.bandwidth[k]!;
      }
    }
    rates.set(c, r);
  }

  const classes = destinationClasses(g);
  const fwd = forwarding(g, classes, Int32Array.from(hosts));
  if ('tooLarge' in fwd) {
    problems.push({ where: 'network', message: `too large to route: ${fwd.tooLarge}` });
    return { net, silent: input.links.map(() => null), problems, addresses };
  }

  // A host's or NIC's network link is the one to a switch; failing that, any link with a bandwidth.
  const networkRate = (id: number): number => {
    let toSwitch = 0;
    let any = 0;
    for (let k = g.start[id]!; k < g.start[id + 1]!; k++) {
      if (isSwitch[g.peer[k]!]) toSwitch = Math.max(toSwitch, g.bandwidth[k]!);
      any = Math.max(any, g.bandwidth[k]!);
    }
    return toSwitch > 0 ? toSwitch : any;
  };
  const onSwitch = (id: number): boolean => {
    for (let k = g.start[id]!; k < g.start[id + 1]!; k++) if (isSwitch[g.peer[k]!]) return true;
    return false;
  };

  const flows: Array<{ src: number; dst: number; twoWay: boolean }> = [];
  for (const c of comps) {
    if (isSwitch[c.id]) {
      const t = fwd.tables.get(c.id)!;
      net.set(c.id, { net: { rates: rates.get(c.id)!, groups: t.groups, dstRuns: t.dstRuns } });
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
      if (onSwitch(c.id) && !(rate > 0)) problems.push({ where: c.path, message: 'its network link has no bandwidth' });
      net.set(c.id, { net: { address: address[c.id]!, rate, peers } });
    } else if (isNic[c.id]) {
      const rate = networkRate(c.id);
      if (!(rate > 0)) problems.push({ where: c.path, message: 'its network link has no bandwidth' });
      else net.set(c.id, { net: { rate } });
    }
  }

  // Every destination an application names must be reachable from the sender.
  const reachable = reachability(g);
  for (const c of comps) {
    if (!isHost[c.id]) continue;
    const peers = (net.get(c.id)!.net as HostNet).peers;
    for (const [path, a] of Object.entries(peers)) {
      if (!reachable(c.id, hosts[a]!)) problems.push({ where: c.path, message: `no path to ${path}` });
    }
  }
  if (problems.length > 0) return { net, silent: input.links.map(() => null), problems, addresses };
  const silent = silentLinks({ graph: g, classes, forwarding: fwd, links: input.links.length, flows });
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
    const runs = net.dstRuns;
    this.route = new Int32Array(runs.length >= 2 ? runs[runs.length - 2]! : 0);
    for (let i = 0; i + 2 < runs.length; i += 2) {
      const g = runs[i + 1]!;
      this.route.fill(g < 0 ? -1 : net.groups[g]!.length === 1 ? net.groups[g]![0]! : -2 - offsets[g]!, runs[i]!, runs[i + 2]!);
    }
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

/** The group index a switch's table gives destination address `a` (-1: none): dstRuns read back. */
export function groupAt(net: SwitchNet, a: number): number {
  const runs = net.dstRuns;
  let lo = 0;
  let hi = runs.length / 2 - 1;
  if (a < 0 || hi < 0 || a >= runs[hi * 2]!) return -1;
  // The last run starting at or before a.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid * 2]! <= a) lo = mid;
    else hi = mid - 1;
  }
  return runs[lo * 2 + 1]!;
}

function runsInOrder(runs: readonly number[]): boolean {
  if (runs.length < 2 || runs.length % 2 !== 0 || runs[0] !== 0 || runs[runs.length - 1] !== -1) return false;
  for (let i = 2; i < runs.length; i += 2) if (!(runs[i]! > runs[i - 2]!) || runs[i]! < 0) return false;
  return true;
}
