/**
 * Routing by destination class (forwarding.ts, silent-links.ts) against the plain definition:
 * one breadth-first search per destination host, a switch's next hops toward it the ports whose
 * peer is one step closer, and every flow walked along them. Random networks (switches, hosts on
 * one or several switches, hosts behind NICs, host-to-host links, unnamed ports) must give the same
 * port sets for every switch and destination, and the same silent link ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AppDecl, StepInput } from '@splitsim/system';
import { groupAt, routeNetwork, type HostNet, type SwitchNet } from './routing.ts';
import { switchPortIndex } from './net-graph.ts';

interface Net {
  roles: Array<'switch' | 'host' | 'nic' | 'other'>;
  links: Array<[number, number]>;
  flows: Array<[number, number, boolean]>;
}

const arbNet: fc.Arbitrary<Net> = fc
  .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 }))
  .chain(([switches, hosts, nics, others]) => {
    const roles = [...Array(switches).fill('switch'), ...Array(hosts).fill('host'), ...Array(nics).fill('nic'), ...Array(others).fill('other')] as Net['roles'];
    const n = roles.length;
    const pair = fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })).filter(([a, b]) => a !== b);
    const hostIds = roles.flatMap((r, i) => (r === 'host' ? [i] : []));
    const flow = fc.tuple(fc.constantFrom(...hostIds), fc.constantFrom(...hostIds), fc.boolean());
    return fc.record({ roles: fc.constant(roles), links: fc.array(pair, { minLength: n - 1, maxLength: 3 * n }), flows: fc.array(flow, { maxLength: 6 }) });
  });

const talk: AppDecl = { type: 'talk', description: 'test', params: {} as never, talksTo: (app: { to: string; back: boolean }) => ({ host: app.to, field: 'to', protocol: 'udp', port: 1, answered: app.back }) };

function stepInput(net: Net, misname = true): StepInput {
  const next = net.roles.map(() => 0);
  const links = net.links.map(([a, b], id) => {
    // A switch port misnamed now and then: it must be skipped alike (and is a problem).
    const port = (c: number) => (net.roles[c] === 'switch' ? (misname && id % 11 === 10 ? `x${next[c]!++}` : `p${next[c]!++}`) : `e${next[c]!++}`);
    return { id, a: { component: a, port: port(a) }, b: { component: b, port: port(b) }, latency: 1, bandwidth: 1e9 };
  });
  const components = net.roles.map((r, id) => ({
    id,
    path: `c${id}`,
    kind: r,
    roles: r === 'other' ? [] : [r],
    params: r === 'host' ? { apps: net.flows.filter(([s, d]) => s === id && s !== d).map(([, d, back]) => ({ type: 'talk', to: `c${d}`, back })) } : {},
  }));
  return { components, links, apps: new Map([['talk', talk]]) };
}

/** The definition: a search per destination host; returns ports[switch][address] as "i,j" strings. */
function reference(input: StepInput): Map<number, string[]> {
  const n = input.components.length;
  const role = (c: number) => input.components[c]!.roles[0];
  const adj: Array<Array<{ port: string; peer: number }>> = input.components.map(() => []);
  for (const l of input.links) {
    adj[l.a.component]!.push({ port: l.a.port, peer: l.b.component });
    adj[l.b.component]!.push({ port: l.b.port, peer: l.a.component });
  }
  const hosts = input.components.filter((c) => role(c.id) === 'host').map((c) => c.id);
  const out = new Map<number, string[]>();
  for (let s = 0; s < n; s++) if (role(s) === 'switch') out.set(s, hosts.map(() => ''));
  hosts.forEach((h, a) => {
    const dist = new Array(n).fill(-1);
    dist[h] = 0;
    const queue = [h];
    for (let q = 0; q < queue.length; q++) {
      const v = queue[q]!;
      if (v !== h && role(v) === 'host') continue;
      for (const e of adj[v]!) if (dist[e.peer] === -1) (dist[e.peer] = dist[v] + 1), queue.push(e.peer);
    }
    for (const [s, table] of out) {
      const d = dist[s];
      if (d <= 0) continue;
      const ports = [...new Set(adj[s]!.filter((e) => dist[e.peer] === d - 1 && !(role(e.peer) === 'host' && e.peer !== h)).map((e) => switchPortIndex(e.port)).filter((i) => i >= 0))];
      table[a] = ports.sort((x, y) => x - y).join(',');
    }
  });
  return out;
}

test('routing by destination class gives every switch the ports a search per host gives', () => {
  fc.assert(
    fc.property(arbNet, (net) => {
      const input = stepInput(net);
      const routes = routeNetwork(input);
      const want = reference(input);
      for (const [s, table] of want) {
        const got = routes.net.get(s)?.net as SwitchNet | undefined;
        if (!got) continue; // a switch port problem: routing reported it
        table.forEach((ports, a) => {
          const g = groupAt(got, a);
          assert.equal(g < 0 ? '' : got.groups[g]!.join(','), ports, `switch c${s}, address ${a}`);
        });
      }
      for (const [id, v] of routes.net) if ('address' in v.net) assert.equal((v.net as HostNet).address, input.components.filter((c) => c.roles[0] === 'host').findIndex((c) => c.id === id));
    }),
    { numRuns: 300, seed: 14 },
  );
});

test('silent link ends: walking once per (entry switch, class) marks what walking every flow marks', () => {
  let compared = 0;
  fc.assert(
    fc.property(arbNet, (net) => {
      const input = stepInput(net, false);
      const routes = routeNetwork(input);
      if (routes.problems.length > 0) return;
      compared++;
      const want = referenceSilence(input, reference(input));
      assert.deepEqual(routes.silent, want);
    }),
    { numRuns: 300, seed: 41 },
  );
  // Most random networks route without problems: the comparison is not vacuous.
  assert.ok(compared > 100, `${compared} of 300 compared`);
});

/** The definition of silent ends: every flow walked from its host along the reference tables. */
function referenceSilence(input: StepInput, tables: Map<number, string[]>): Array<'a' | 'b' | 'both' | null> {
  const role = (c: number) => input.components[c]!.roles[0];
  const hosts = input.components.filter((c) => role(c.id) === 'host').map((c) => c.id);
  const sends = input.links.map(() => 0);
  const linksOf = input.components.map(() => [] as Array<{ link: number; end: 1 | 2; peer: number; port: string }>);
  input.links.forEach((l, i) => {
    linksOf[l.a.component]!.push({ link: i, end: 1, peer: l.b.component, port: l.a.port });
    linksOf[l.b.component]!.push({ link: i, end: 2, peer: l.a.component, port: l.b.port });
  });
  const route = (src: number, dst: number) => {
    const stack: number[] = [];
    for (const e of linksOf[src]!) {
      if (role(e.peer) === 'switch') (sends[e.link] |= e.end), stack.push(e.peer);
      else if (role(e.peer) === 'nic') for (const f of linksOf[e.peer]!) if (role(f.peer) === 'switch') (sends[f.link] |= f.end), stack.push(f.peer);
    }
    const seen = new Set<number>();
    while (stack.length > 0) {
      const sw = stack.pop()!;
      if (seen.has(sw)) continue;
      seen.add(sw);
      const ports = tables.get(sw)![hosts.indexOf(dst)]!;
      if (ports === '') continue;
      for (const port of ports.split(',').map(Number)) {
        const e = [...linksOf[sw]!].reverse().find((x) => switchPortIndex(x.port) === port)!;
        sends[e.link] |= e.end;
        if (role(e.peer) === 'switch') stack.push(e.peer);
      }
    }
  };
  for (const h of hosts) {
    for (const app of (input.components[h]!.params.apps as Array<{ to: string; back: boolean }>) ?? []) {
      const dst = Number(app.to.slice(1));
      route(h, dst);
      if (app.back) route(dst, h);
    }
  }
  const net = (c: number) => role(c) !== undefined && role(c) !== 'other';
  return input.links.map((l, i) => {
    const [a, b] = [l.a.component, l.b.component];
    const pci = (role(a) === 'host' && role(b) === 'nic') || (role(a) === 'nic' && role(b) === 'host');
    if (!net(a) || !net(b) || pci || (role(a) !== 'switch' && role(b) !== 'switch')) return null;
    const m = sends[i]!;
    return m === 0 ? 'both' : m === 1 ? 'b' : m === 2 ? 'a' : null;
  });
}
