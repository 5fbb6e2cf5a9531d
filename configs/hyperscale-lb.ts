/**
 * Load balancers with a bounded maximum queue length at large scale (seed 003, Hellemans,
 * Kielanski and Van Houdt): push and pull hyper-scalable dispatching, water filling with batches
 * and resource pooling with a central server, for N from 100 to 100 000 single-server queues,
 * with exponential, Erlang or hyperexponential job sizes of mean 1 (one `unit` of time). The
 * summary sets the simulated mean response time beside the queue at the cavity (the N → ∞
 * limit the paper computes), which the simulation approaches as N grows.
 *
 *   splitsim run configs/hyperscale-lb.ts --set policy=pull --set n=10000
 *   splitsim sweep configs/hyperscale-lb.ts --grid policy=push,pull,water-filling,pooling --grid n=100,1000,10000 --replications 5
 *   splitsim run configs/hyperscale-lb.ts --inst partitioned --set dispatchLatency=1us --profile
 *
 * Rates are per unit (per mean job size): λ arrivals per server, δ probes per server.
 */
import { z, cavityPull, cavityPush, cavityResourcePooling, cavityWaterFilling, defineConfig, distribution, parseTime, SEC, System, type CavityResult, type ComponentMetrics, type DistributionSpec, type Figure, type Group, type PartitionFn } from 'splitsim';

const params = z
  .object({
    policy: z.enum(['push', 'pull', 'water-filling', 'pooling']).default('push'),
    /** Servers. */
    n: z.number().int().positive().default(1000),
    /** Arrival rate per server, in jobs per mean job size (λ < 1). */
    lambda: z.number().positive().lt(1).default(0.9),
    /** Probe (update) rate per server per mean job size: push, pull, water filling. */
    delta: z.number().positive().default(1),
    /** Pull: probability of an update at each completion (idle servers update at the rate that makes the total δ). */
    pullProbability: z.number().min(0).max(1).default(0),
    /** Water filling: jobs per batch (m); each batch probes δm/λ servers. */
    batch: z.number().int().positive().default(100),
    /** Resource pooling: the central server's share p of the total capacity. */
    pooled: z.number().positive().lt(1).default(0.1),
    /** Job sizes, all of mean 1 unit: exponential, Erlang-k, or hyperexponential (SCV, shape f). */
    size: z.enum(['exponential', 'erlang', 'hyperexponential']).default('exponential'),
    k: z.number().int().positive().default(4),
    scv: z.number().min(1).default(4),
    shape: z.number().gt(0).lt(1).default(0.5),
    /** The simulated time of one mean job size. */
    unit: z.union([z.string(), z.number()]).default('1ms'),
    /** Length of the run and of its warm-up, in units. Arrivals stop at the end; the queues then drain. */
    duration: z.number().positive().default(1000),
    warmup: z.number().nonnegative().default(100),
    /** Latency of each dispatcher ↔ server link; > 0 to cut them (the partitioned instantiation). */
    dispatchLatency: z.union([z.string(), z.number()]).default(0),
    /** Instances the servers are spread over in the partitioned instantiation. */
    serverInstances: z.number().int().positive().default(4),
    /**
     * Servers per server.bank component (a rack simulated as one component, for speed); 0 makes
     * every server its own server.queue component. The results are the same in distribution.
     */
    bankSize: z.number().int().nonnegative().max(2 ** 17).default(1000),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.policy === 'pull' && p.delta < p.lambda * p.pullProbability) ctx.addIssue({ code: 'custom', path: ['pullProbability'], message: 'δ must be at least λp (idle servers cannot update at a negative rate)' });
    if (p.policy === 'water-filling' && sampleSize(p) > p.n) ctx.addIssue({ code: 'custom', path: ['batch'], message: `each batch would probe ${sampleSize(p)} > n servers; lower batch or δ` });
  });

type Params = z.output<typeof params>;

const unitSeconds = (p: Params) => parseTime(p.unit, 'unit') / SEC;

/** Servers probed per water-filling batch: δm/λ, so that the overall probe rate is δN. */
export function sampleSize(p: Pick<Params, 'delta' | 'batch' | 'lambda'>): number {
  return Math.max(1, Math.round((p.delta * p.batch) / p.lambda));
}

export function jobSize(p: Params, mean = unitSeconds(p)): DistributionSpec {
  if (p.size === 'erlang') return { type: 'erlang', k: p.k, mean };
  if (p.size === 'hyperexponential') return { type: 'hyperexponential', mean, scv: p.scv, shape: p.shape };
  return { type: 'exponential', mean };
}

export function hyperscaleSystem(p: Params): System {
  const system = new System('hyperscale-lb');
  const u = unitSeconds(p);
  // Whole picoseconds: times in parameters are integers.
  const stop = Math.round(p.duration * u * SEC);
  const warmup = Math.round(p.warmup * u * SEC);
  const source = system.add('source', 'source', { rate: (p.lambda * p.n) / u, stop });
  const lb: Record<string, unknown> = { targets: p.n };
  if (p.policy === 'push') Object.assign(lb, { probeRate: p.delta / u, stop });
  if (p.policy === 'water-filling') Object.assign(lb, { batch: p.batch, sample: sampleSize(p) });
  if (p.policy === 'pooling') Object.assign(lb, { centralRate: (p.pooled * p.n) / u, stop });
  const banks = p.bankSize > 0 ? Math.ceil(p.n / p.bankSize) : 0;
  if (banks > 0) {
    if (p.n % p.bankSize !== 0 && banks > 1) throw new RangeError(`n = ${p.n} is not a multiple of bankSize = ${p.bankSize}`);
    Object.assign(lb, { targets: banks, serversPerTarget: Math.min(p.n, p.bankSize) });
  }
  const dispatcher = system.add('load-balancer', 'dispatcher', lb);
  system.link(source.port('out'), dispatcher.port('in'), { latency: 0 });
  const pullRate = (p.delta - p.lambda * p.pullProbability) / (1 - p.lambda);
  const updates = { onCompletion: p.pullProbability, idleRate: pullRate / u, stop };
  if (banks > 0) {
    const bank: Record<string, unknown> = { count: Math.min(p.n, p.bankSize), service: jobSize(p), warmup };
    if (p.policy === 'pooling') Object.assign(bank, { speed: 1 - p.pooled, respond: true });
    if (p.policy === 'pull') Object.assign(bank, { updates });
    for (let b = 0; b < banks; b++) {
      const s = system.add('server', `bank${b}`, bank);
      system.link(dispatcher.port(`target${b}`), s.port('in'), { latency: p.dispatchLatency });
    }
    return system;
  }
  const server: Record<string, unknown> = { service: jobSize(p), warmup, detail: 'lean' };
  if (p.policy === 'pooling') Object.assign(server, { speed: 1 - p.pooled, clients: 1 });
  if (p.policy === 'pull') Object.assign(server, { updates });
  // Pooling counts queues from responses, so it links to the request/response port.
  const port = p.policy === 'pooling' ? 'client0' : 'in';
  for (let i = 0; i < p.n; i++) {
    const s = system.add('server', `server${i}`, server);
    system.link(dispatcher.port(`target${i}`), s.port(port), { latency: p.dispatchLatency });
  }
  return system;
}

const LB_MODELS = { push: 'lb.push', pull: 'lb.pull', 'water-filling': 'lb.water-filling', pooling: 'lb.pooling' } as const;

const models = (p: Params) => [
  { kind: 'source', model: 'source.profile' },
  { kind: 'server', model: p.bankSize > 0 ? 'server.bank' : 'server.queue' },
  { kind: 'load-balancer', model: LB_MODELS[p.policy] },
];

/** The dispatcher (and source) in one instance, the servers in contiguous blocks over `serverInstances` others. */
export function dispatcherApart(k: number): PartitionFn {
  return (system) => {
    const front: Group = { name: 'dispatcher', components: [] };
    const blocks: Group[] = Array.from({ length: k }, (_, i) => ({ name: `servers${i}`, components: [] }));
    const servers = system.components.filter((c) => c.kind === 'server');
    for (const c of system.components) if (c.kind !== 'server') front.components.push(c.id);
    servers.forEach((c, i) => blocks[Math.floor((i * k) / servers.length)]!.components.push(c.id));
    return [front, ...blocks.filter((b) => b.components.length > 0)];
  };
}

/** The queue at the cavity for these parameters (times in mean job sizes). */
export function cavity(p: Params): CavityResult {
  const ph = distribution(jobSize(p, 1)).phaseType()!;
  if (p.policy === 'push') return cavityPush(p.lambda, p.delta, ph);
  if (p.policy === 'water-filling') return cavityWaterFilling(p.lambda, (sampleSize(p) * p.lambda) / p.batch, ph);
  if (p.policy === 'pooling') return cavityResourcePooling(p.lambda, p.pooled, ph);
  return cavityPull(p.lambda, p.pullProbability, (p.delta - p.lambda * p.pullProbability) / (1 - p.lambda), ph);
}

/** Mean response over every server's jobs (after warm-up), and the longest queue seen. */
export function responseSummary(metrics: readonly ComponentMetrics[]): { jobs: number; meanResponse: number; maxQueue: number } {
  let jobs = 0;
  let sum = 0;
  let maxQueue = 0;
  for (const m of metrics) {
    const s = m.stats as Record<string, any>;
    if (!s.response) continue;
    jobs += s.response.count;
    sum += s.response.mean * s.response.count;
    maxQueue = Math.max(maxQueue, typeof s.longestQueue === 'number' ? s.longestQueue : s.inSystem.max);
  }
  return { jobs, meanResponse: jobs > 0 ? sum / jobs : NaN, maxQueue };
}

export function hyperscaleSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const r = responseSummary(metrics);
  const c = cavity(p);
  const u = unitSeconds(p) * SEC;
  return [
    { name: 'jobs measured', value: r.jobs },
    { name: 'mean response time', value: r.meanResponse / u, expected: c.meanResponse, unit: 'job sizes' },
    { name: 'longest queue seen', value: r.maxQueue, expected: c.maxQueueLength },
  ];
}

export default defineConfig({
  name: 'hyperscale-lb',
  description: 'Push, pull, water filling and resource pooling at up to 100 000 servers against the queue at the cavity',
  params,
  system: hyperscaleSystem,
  instantiations: {
    single: (_s, p) => ({ description: 'everything in one instance', models: models(p) }),
    partitioned: (_s, p) => ({
      description: 'the dispatcher in one instance, servers spread over serverInstances others (needs --set dispatchLatency=1us or more)',
      models: models(p),
      partition: dispatcherApart(p.serverInstances),
    }),
  },
  defaultInstantiation: 'single',
  run: { seed: 1 },
  summary: hyperscaleSummary,
});
