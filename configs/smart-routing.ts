/**
 * Load-aware routing under a hot-customer spike (seed 000, "Simulation Enhanced Reasoning"):
 * 3 servers (concurrency 10, exponential service of mean 0.1 s, queue limit 100) that report
 * their load in every response; 3 thick clients behind a random router that hash each customer
 * to a server and, with smart routing, rehash away from a server whose mean reported load over a
 * 4 s window is ≥ 0.9. Customers 0-999 send a constant 20 requests per second in all; customer
 * 1001 sends Poisson 10 per second, 150 per second from 10 s for 15 s. Sources stop at 60 s, the
 * run at 65 s.
 *
 *   splitsim run configs/smart-routing.ts                     # smart routing on: it oscillates
 *   splitsim run configs/smart-routing.ts --set smart=false   # off: server 2 saturates and rejects
 *
 * Probes sample each server's queue depth and load every 100 ms and each client's latency per
 * customer class, rehash rate and perceived load of server 2 every second; report.html plots them.
 */
import { z, defineConfig, manual, SEC, System, type ComponentMetrics, type Figure } from 'splitsim';

const params = z
  .object({
    smart: z.boolean().default(true),
    servers: z.number().int().positive().default(3),
    clients: z.number().int().positive().default(3),
    concurrency: z.number().int().positive().default(10),
    meanService: z.number().positive().default(0.1),
    queueLimit: z.number().int().nonnegative().default(100),
    window: z.union([z.string(), z.number()]).default('4s'),
    threshold: z.number().positive().default(0.9),
    /** Customers 0-999 together, requests per second (evenly spaced). */
    baseRate: z.number().nonnegative().default(20),
    /** The hot customer's Poisson rate outside and during the spike. */
    hotRate: z.number().nonnegative().default(10),
    spikeRate: z.number().nonnegative().default(150),
    spikeAt: z.union([z.string(), z.number()]).default('10s'),
    spikeFor: z.union([z.string(), z.number()]).default('15s'),
    hotCustomer: z.number().int().nonnegative().default(1001),
    stop: z.union([z.string(), z.number()]).default('60s'),
    /** Latency of every link; the post has none. The `split` instantiation needs it > 0. */
    latency: z.union([z.string(), z.number()]).default(0),
    /** Probe intervals for servers and for clients. */
    serverProbe: z.union([z.string(), z.number()]).default('100ms'),
    clientProbe: z.union([z.string(), z.number()]).default('1s'),
  })
  .strict();

type Params = z.output<typeof params>;

export function smartRoutingSystem(p: Params): System {
  const system = new System('smart-routing');
  const latency = p.latency;
  const router = system.add('load-balancer', 'router', { targets: p.clients, inputs: 2 });
  const base = system.add('source', 'customers/base', { rate: p.baseRate, process: 'constant', customers: { from: 0, to: 999 }, class: 0, stop: p.stop });
  const hot = system.add('source', 'customers/hot', {
    profile: { type: 'spike', baseline: p.hotRate, spike: p.spikeRate, warmup: p.spikeAt, duration: p.spikeFor },
    customers: p.hotCustomer,
    class: 1,
    stop: p.stop,
  });
  system.link(base.port('out'), router.port('in0'), { latency });
  system.link(hot.port('out'), router.port('in1'), { latency });
  const servers = Array.from({ length: p.servers }, (_, j) =>
    system.add('server', `server${j}`, {
      servers: p.concurrency,
      service: { type: 'exponential', mean: p.meanService },
      queueLimit: p.queueLimit,
      clients: p.clients,
    }),
  );
  for (let i = 0; i < p.clients; i++) {
    const client = system.add('client', `client${i}`, { servers: p.servers, smart: p.smart, window: p.window, threshold: p.threshold, classes: 2 });
    system.link(router.port(`target${i}`), client.port('in'), { latency });
    servers.forEach((s, j) => system.link(client.port(`server${j}`), s.port(`client${i}`), { latency }));
    const probe = system.add('probe', `probes/client${i}`, {
      metrics: ['latency.class0', 'latency.class1', 'rehashRate', `perceived.server${Math.min(2, p.servers - 1)}`],
      interval: p.clientProbe,
      stop: '65s',
    });
    system.link(probe.port('target'), client.port('probe'), { latency });
  }
  servers.forEach((s, j) => {
    const probe = system.add('probe', `probes/server${j}`, { metrics: ['depth', 'load'], interval: p.serverProbe, stop: '65s' });
    system.link(probe.port('target'), s.port('probe'), { latency });
  });
  return system;
}

const models = [
  { kind: 'source', model: 'source.profile' },
  { kind: 'load-balancer', model: 'lb.random' },
  { kind: 'client', model: 'client.load-aware' },
  { kind: 'server', model: 'server.queue' },
  { kind: 'probe', model: 'probe.sampler' },
];

type Series = { times: number[]; values: number[] };

/** How often a series, averaged over `bin`-long bins within [from, to), rises from below `level` to at or above it. */
export function upCrossings(s: Series, level: number, from: number, to: number, bin: number): number {
  const sums = new Map<number, [number, number]>();
  s.times.forEach((t, i) => {
    if (t < from || t >= to) return;
    const b = Math.floor((t - from) / bin);
    const e = sums.get(b) ?? [0, 0];
    e[0] += s.values[i]!;
    e[1]++;
    sums.set(b, e);
  });
  const means = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([, [sum, n]]) => sum / n);
  let ups = 0;
  for (let i = 1; i < means.length; i++) if (means[i - 1]! < level && means[i]! >= level) ups++;
  return ups;
}

export function smartRoutingSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const at = (path: string) => metrics.find((m) => m.path === path)?.stats as Record<string, any> | undefined;
  const hot = p.hotCustomer % p.servers;
  const server = at(`server${hot}`)!;
  const load = at(`probes/server${hot}`)!.load as Series;
  const spikeAt = typeof p.spikeAt === 'number' ? p.spikeAt : parseSeconds(p.spikeAt) * SEC;
  const spikeFor = typeof p.spikeFor === 'number' ? p.spikeFor : parseSeconds(p.spikeFor) * SEC;
  let rehashes = 0;
  let hotLatency = 0;
  let hotCount = 0;
  for (let i = 0; i < p.clients; i++) {
    const c = at(`client${i}`)!;
    rehashes += c.rehashes;
    hotLatency += c['latency.class1'].mean * c['latency.class1'].count;
    hotCount += c['latency.class1'].count;
  }
  return [
    { name: `server ${hot} served`, value: server.served },
    { name: `server ${hot} rejected`, value: server.rejected },
    { name: 'rehashes', value: rehashes },
    { name: `server ${hot} load crossings of ${p.threshold} (1 s means, spike)`, value: upCrossings(load, p.threshold, spikeAt, spikeAt + spikeFor, SEC) },
    { name: `customer ${p.hotCustomer} mean latency`, value: hotCount ? hotLatency / hotCount / SEC : NaN, unit: 's' },
  ];
}

function parseSeconds(text: string): number {
  const m = /^\s*([\d.]+)\s*(ms|s)\s*$/.exec(text);
  if (!m) throw new RangeError(`cannot read ${text} as seconds`);
  return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
}

export default defineConfig({
  name: 'smart-routing',
  description: "The routing post's load-aware clients under a hot-customer spike: oscillation with smart routing, saturation without",
  params,
  system: smartRoutingSystem,
  instantiations: {
    single: () => ({ description: 'everything in one instance', models }),
    split: () => ({
      description: 'servers in one instance, router and clients in another (needs --set latency=1ms or more)',
      models,
      partition: manual({ servers: ['server*', 'probes/server*'] }, { rest: 'front' }),
    }),
  },
  defaultInstantiation: 'single',
  run: { until: '65s', seed: 42 },
  summary: smartRoutingSummary,
});
