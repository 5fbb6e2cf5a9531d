/**
 * The message-broker queueing study (seed 002): M/M/N, M/G/N with Pareto service (α = 2.1, 2.5,
 * 3), M/Ek/N, M/M/N/K, priority classes (non-preemptive and preemptive) and the broker → network
 * → receiver tandem with transmission failures, each a small independent station of one system,
 * each figure printed beside its analytic value and the relative error:
 *
 *   splitsim run configs/broker.ts
 *   splitsim run configs/broker.ts --set stations='["tandem"]' --set failure=0.3 --replications 20
 *
 * Rates are per second; the defaults are the study's (λ = 100, N = 10, μ = 12; K = 30 at μ = 10;
 * D = 10 ms, p = 0.2). Heavy tails converge slowly: α = 2.1 has an infinite fourth moment, so its
 * mean wait wanders far more between seeds than the others' (use replications).
 */
import { z, allenCunneenWait, defineConfig, distribution, kingmanWait, manual, mmc, mmck, mmcNonPreemptivePriority, mmcPreemptivePriority, parseTime, SEC, System, tandem, whittWait, type ComponentMetrics, type DistributionSpec, type Figure } from 'splitsim';

const STATIONS = ['mmn', 'mgn', 'mek', 'mmnk', 'priority', 'preemptive', 'tandem'] as const;

const params = z
  .object({
    stations: z.array(z.enum(STATIONS)).default([...STATIONS]),
    /** Arrival rate λ and servers N, service rate μ per server (M/M/N, M/G/N, M/Ek/N). */
    lambda: z.number().positive().default(100),
    servers: z.number().int().positive().default(10),
    mu: z.number().positive().default(12),
    /** Pareto shapes for the M/G/N stations (mean service 1/μ). */
    alphas: z.array(z.number().gt(1)).default([2.1, 2.5, 3]),
    /** Phases of the Erlang service in M/Ek/N. */
    k: z.number().int().positive().default(4),
    /** M/M/N/K: capacity K (in system), its own λ and μ. */
    capacity: z.number().int().positive().default(30),
    lambdaK: z.number().positive().default(100),
    muK: z.number().positive().default(10),
    /** Priority stations: arrival rate per class (class 0 first), servers, μ. */
    priorityRates: z.array(z.number().positive()).default([20, 30, 25]),
    preemptiveRates: z.array(z.number().positive()).default([40, 20]),
    priorityServers: z.number().int().positive().default(8),
    priorityMu: z.number().positive().default(10),
    /** Tandem: receiver servers and rate, one-way network delay, failure probability. */
    receivers: z.number().int().positive().default(12),
    muReceiver: z.number().positive().default(12),
    delay: z.union([z.string(), z.number()]).default('10ms'),
    failure: z.number().min(0).lt(1).default(0.2),
    /** Jobs arriving before this are left out of the statistics. */
    warmup: z.union([z.string(), z.number()]).default('100s'),
  })
  .strict();

type Params = z.output<typeof params>;

const exp = (rate: number): DistributionSpec => ({ type: 'exponential', mean: 1 / rate });

/** source → server → sink, one class per source; returns the server. */
function station(system: System, name: string, rates: number[], server: Record<string, unknown>, warmup: Params['warmup']) {
  const srv = system.add('server', `${name}/server`, { ...server, inputs: rates.length, warmup, classes: rates.length });
  const sink = system.add('sink', `${name}/sink`, { classes: rates.length, warmup });
  rates.forEach((rate, k) => {
    const src = system.add('source', `${name}/source${k}`, { rate, class: k });
    system.link(src.port('out'), srv.port(`in${k}`), { latency: 0 });
  });
  system.link(srv.port('out'), sink.port('in'), { latency: 0 });
  return srv;
}

export function brokerSystem(p: Params): System {
  const system = new System('broker');
  const has = (s: (typeof STATIONS)[number]) => p.stations.includes(s);
  const w = p.warmup;
  if (has('mmn')) station(system, 'mmn', [p.lambda], { servers: p.servers, service: exp(p.mu) }, w);
  if (has('mgn')) for (const a of p.alphas) station(system, `mgn${a}`, [p.lambda], { servers: p.servers, service: { type: 'pareto', alpha: a, mean: 1 / p.mu } }, w);
  if (has('mek')) station(system, 'mek', [p.lambda], { servers: p.servers, service: { type: 'erlang', k: p.k, mean: 1 / p.mu } }, w);
  if (has('mmnk')) station(system, 'mmnk', [p.lambdaK], { servers: p.servers, service: exp(p.muK), capacity: p.capacity }, w);
  const prio = { servers: p.priorityServers, service: exp(p.priorityMu), discipline: 'priority' };
  if (has('priority')) station(system, 'priority', p.priorityRates, prio, w);
  if (has('preemptive')) station(system, 'preemptive', p.preemptiveRates, { ...prio, preemptive: true }, w);
  if (has('tandem')) {
    const src = system.add('source', 'tandem/source', { rate: p.lambda });
    const broker = system.add('server', 'tandem/broker', { servers: p.servers, service: exp(p.mu), warmup: w });
    const tx = system.add('network', 'tandem/transmitter', {});
    const receiver = system.add('server', 'tandem/receiver', { servers: p.receivers, service: exp(p.muReceiver), warmup: w });
    const loss = system.add('network', 'tandem/loss', { failure: p.failure });
    const sink = system.add('sink', 'tandem/sink', { warmup: w });
    system.link(src.port('out'), broker.port('in'), { latency: 0 });
    system.link(broker.port('out'), tx.port('in'), { latency: 0 });
    system.link(tx.port('out'), receiver.port('in'), { latency: p.delay });
    system.link(receiver.port('out'), loss.port('in'), { latency: 0 });
    system.link(loss.port('nack'), tx.port('nack'), { latency: p.delay });
    system.link(loss.port('out'), sink.port('in'), { latency: 0 });
  }
  return system;
}

const models = [
  { kind: 'source', model: 'source.profile' },
  { kind: 'server', model: 'server.queue' },
  { kind: 'sink', model: 'sink.stats' },
  { kind: 'network', match: '**/transmitter', model: 'network.transmitter' },
  { kind: 'network', match: '**/loss', model: 'network.loss' },
];

// metrics.json values: tallies are objects, counters plain numbers.
type Stats = Record<string, any>;

/** The theory's value, or undefined where it does not apply (an unstable station). */
function stable<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

function withTheory(f: Figure, expected: number | undefined): Figure {
  return expected === undefined ? f : { ...f, expected };
}

export function brokerSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const at = (path: string) => metrics.find((m) => m.path === path)?.stats as Stats | undefined;
  const s = (x: number) => x / SEC;
  const figs: Figure[] = [];
  const delay = parseTime(p.delay, 'delay') / SEC;
  const mmn = at('mmn/server');
  if (mmn) {
    const t = stable(() => mmc(p.lambda, p.mu, p.servers));
    figs.push(withTheory({ name: 'M/M/N mean wait', value: s(mmn.wait!.mean), unit: 's' }, t?.meanWait));
    figs.push(withTheory({ name: 'M/M/N mean response', value: s(mmn.response!.mean), unit: 's' }, t?.meanResponse));
  }
  for (const a of p.alphas) {
    const srv = at(`mgn${a}/server`);
    if (!srv) continue;
    const law = distribution({ type: 'pareto', alpha: a, mean: 1 / p.mu });
    const input = { lambda: p.lambda, meanService: law.mean, servers: p.servers, serviceScv: law.scv };
    const v = s(srv.wait!.mean);
    figs.push(withTheory({ name: `M/G/N α=${a} wait vs Whitt`, value: v, unit: 's' }, stable(() => whittWait(input))));
    figs.push(withTheory({ name: `M/G/N α=${a} wait vs Allen-Cunneen`, value: v, unit: 's' }, stable(() => allenCunneenWait(input))));
    figs.push(withTheory({ name: `M/G/N α=${a} wait vs Kingman`, value: v, unit: 's' }, stable(() => kingmanWait(input))));
  }
  const mek = at('mek/server');
  if (mek) {
    const input = { lambda: p.lambda, meanService: 1 / p.mu, servers: p.servers, serviceScv: 1 / p.k };
    figs.push(withTheory({ name: `M/E${p.k}/N wait vs Whitt`, value: s(mek.wait!.mean), unit: 's' }, stable(() => whittWait(input))));
    figs.push(withTheory({ name: `M/E${p.k}/N wait vs Allen-Cunneen`, value: s(mek.wait!.mean), unit: 's' }, stable(() => allenCunneenWait(input))));
  }
  const k = at('mmnk/server');
  if (k) {
    const t = mmck(p.lambdaK, p.muK, p.servers, p.capacity);
    figs.push({ name: 'M/M/N/K blocking', value: k.rejected! / k.arrived!, expected: t.blocking });
    figs.push({ name: 'M/M/N/K mean wait', value: s(k.wait!.mean), expected: t.meanWait, unit: 's' });
  }
  const np = at('priority/server');
  if (np) {
    const t = stable(() => mmcNonPreemptivePriority(p.priorityRates, p.priorityMu, p.priorityServers));
    p.priorityRates.forEach((_, i) => figs.push(withTheory({ name: `priority class ${i} wait`, value: s(np[`wait.class${i}`].mean), unit: 's' }, t?.[i]!.meanWait)));
  }
  const pr = at('preemptive/server');
  if (pr) {
    const t = stable(() => mmcPreemptivePriority(p.preemptiveRates, p.priorityMu, p.priorityServers));
    p.preemptiveRates.forEach((_, i) => figs.push(withTheory({ name: `preemptive class ${i} response`, value: s(pr[`response.class${i}`].mean), unit: 's' }, t?.[i]!.meanResponse)));
  }
  const tx = at('tandem/transmitter');
  const receiver = at('tandem/receiver');
  const sink = at('tandem/sink');
  if (tx && receiver && sink) {
    // Transmissions per message sent (first transmissions are all but the retransmissions).
    const perMessage = tx.transmissions / (tx.transmissions - tx.retransmissions);
    figs.push({ name: 'tandem stage-2 arrival rate (λ × transmissions per message)', value: p.lambda * perMessage, expected: p.lambda / (1 - p.failure), unit: '/s' });
    const t = stable(() => tandem({ lambda: p.lambda, n1: p.servers, mu1: p.mu, n2: p.receivers, mu2: p.muReceiver, delay, failure: p.failure }));
    figs.push(withTheory({ name: 'tandem receiver mean response', value: s(receiver.response!.mean), unit: 's' }, t?.stage2Response));
    figs.push(withTheory({ name: 'tandem end-to-end delivery', value: s(sink.latency!.mean), unit: 's' }, t?.endToEnd));
  }
  return figs;
}

export default defineConfig({
  name: 'broker',
  description: 'Message broker: M/M/N, M/G/N (Pareto), M/Ek/N, M/M/N/K, priorities and the lossy broker → network → receiver tandem, against theory',
  params,
  system: brokerSystem,
  instantiations: {
    single: () => ({ description: 'every station in one instance', models }),
    split: () => ({
      description: "the tandem's receiver side in its own instance: the network delay is the channel's lookahead",
      models,
      partition: manual({ receiver: ['tandem/receiver', 'tandem/loss', 'tandem/sink'] }, { rest: 'broker' }),
    }),
  },
  defaultInstantiation: 'single',
  run: { until: '1100s', seed: 1 },
  summary: brokerSummary,
});
