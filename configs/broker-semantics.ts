/**
 * Message-broker semantics (seed 002, the broker study's "cloud broker features"), each an
 * independent station of one system, built from the @splitsim/protocols producer, broker and
 * consumer models:
 *
 * - `replication`: three copies (replicas 1 ms and 5 ms away), acknowledged after the leader's
 *   write, a quorum's or all: publish latency against the round trips;
 * - `visibility`: consumers with heavy-tailed processing, some longer than the visibility
 *   timeout: redeliveries and duplicates (at-least-once), against P(processing > V - 2L);
 * - `redelivery`: a consumer crashes; what it held is delivered again after the timeout;
 * - `ordering`: the seed's broker (λ = 100, 10 threads at μ = 12) with per-key in-order
 *   processing against any order: the latency ratio beside the seed's 1.5×;
 * - `threading`: the same load over 5 connections, a shared pool with the seed's overhead
 *   against dedicated threads (eqs. 11-13);
 * - `tail`: Pareto (α = 2.1) against exponential processing at the same mean: the latency
 *   spike factor beside the seed's 3-10×;
 * - `cascade`: three brokers at ρ = 0.75; one crashes and its producers fail over to the next,
 *   which overloads, fills and refuses, and the load moves on.
 *
 *   splitsim run configs/broker-semantics.ts
 *   splitsim run configs/broker-semantics.ts --set stations='["ordering"]' --set keys=20
 */
import { z, defineConfig, manual, MS, parseTime, SEC, System, type ComponentMetrics, type Figure } from 'splitsim';
import { crashRedeliveries, dedicatedThroughput, publishLatency, sharedThreading } from '@splitsim/protocols';

const time = z.union([z.string(), z.number()]);
const STATIONS = ['replication', 'visibility', 'redelivery', 'ordering', 'threading', 'tail', 'cascade'] as const;

const params = z
  .object({
    stations: z.array(z.enum(STATIONS)).default([...STATIONS]),
    /** The seed's broker: arrivals per second, threads, service rate per thread. */
    lambda: z.number().positive().default(100),
    threads: z.number().int().positive().default(10),
    mu: z.number().positive().default(12),
    /** ordering: keys the messages are spread over. */
    keys: z.number().int().positive().default(20),
    /** threading: connections, and the shared pool's overhead α. */
    connections: z.number().int().positive().default(5),
    overhead: z.number().nonnegative().default(0.1),
    /** tail: Pareto shape. */
    alpha: z.number().gt(1).default(2.1),
    /** Every link's latency (producer → broker → consumer). */
    latency: time.default('1ms'),
    persist: time.default('1ms'),
    duration: time.default('1100s'),
    warmup: time.default('100s'),
    /** cascade: when broker 0 crashes; redelivery: when consumer 1 crashes (for 10 s). */
    crashAt: time.default('400s'),
    consumerCrashAt: time.default('300s'),
  })
  .strict();

type Params = z.output<typeof params>;

const ps = (t: string | number, what: string) => parseTime(t, what);
const exp = (rate: number) => ({ type: 'exponential', mean: 1 / rate });

interface Station {
  brokers: string[];
}

/** producers → broker (with replicas) → consumers. */
function station(s: System, name: string, p: Params, o: { rate: number; producers?: number; keys?: number; broker?: Record<string, unknown>; consumers?: Array<Record<string, unknown>>; replicas?: string[] }) {
  const producers = o.producers ?? 1;
  const consumers = o.consumers ?? [{}];
  const replicas = o.replicas ?? [];
  const b = s.add('broker', `${name}/broker`, { producers, consumers: consumers.length, replicas: replicas.length, persist: p.persist, threads: p.threads, service: exp(p.mu), ...o.broker });
  for (let i = 0; i < producers; i++) {
    const q = s.add('producer', `${name}/producer${i}`, { index: i, rate: o.rate / producers, keys: o.keys ?? 1, stop: p.duration });
    s.link(q.port('broker0'), b.port(`producer${i}`), { latency: p.latency });
  }
  consumers.forEach((c, j) => {
    const k = s.add('consumer', `${name}/consumer${j}`, { warmup: p.warmup, ...c });
    s.link(b.port(`consumer${j}`), k.port('broker'), { latency: p.latency });
  });
  replicas.forEach((latency, r) => {
    const rep = s.add('broker', `${name}/replica${r}`, { persist: p.persist, producers: 0, consumers: 0 });
    s.link(b.port(`replica${r}`), rep.port('primary'), { latency });
  });
  return b;
}

export function brokerSemanticsSystem(p: Params): System {
  const s = new System('broker-semantics');
  const has = (x: (typeof STATIONS)[number]) => p.stations.includes(x);
  if (has('replication')) for (const ack of ['leader', 'quorum', 'all']) station(s, `replication-${ack}`, p, { rate: 10, broker: { ack, service: exp(1000) }, replicas: ['1ms', '5ms'] });
  if (has('visibility')) {
    // Half the messages take longer than 10 ms; a few, longer than the 1 s timeout.
    const processing = { type: 'pareto', alpha: 1.5, scale: 0.01 };
    station(s, 'visibility', p, { rate: 50, broker: { visibility: '1s', service: exp(1000) }, consumers: [{ processing }, { processing }] });
  }
  if (has('redelivery')) {
    station(s, 'redelivery', p, { rate: 50, broker: { visibility: '2s', service: exp(1000) }, consumers: [{ processing: exp(20) }, { processing: exp(20) }] });
    const at = ps(p.consumerCrashAt, 'consumerCrashAt');
    s.faults.crash('redelivery/consumer1', { at, recover: at + 10 * SEC });
  }
  if (has('ordering')) {
    for (const ordering of ['none', 'key']) station(s, `ordering-${ordering}`, p, { rate: p.lambda, keys: p.keys, broker: { ordering }, consumers: [{ processing: { type: 'deterministic', value: 0.001 } }] });
  }
  if (has('threading')) {
    for (const threading of ['shared', 'dedicated']) station(s, `threading-${threading}`, p, { rate: p.lambda, producers: p.connections, broker: { threading, overhead: p.overhead } });
  }
  if (has('tail')) {
    station(s, 'tail-exponential', p, { rate: p.lambda });
    station(s, 'tail-pareto', p, { rate: p.lambda, broker: { service: { type: 'pareto', alpha: p.alpha, mean: 1 / p.mu } } });
  }
  if (has('cascade')) {
    // Three brokers, each with three producers at ρ = 0.75; producers fail over broker i → i+1 → i+2.
    const brokers = [0, 1, 2].map((i) => s.add('broker', `cascade/broker${i}`, { producers: 9, consumers: 1, persist: p.persist, threads: p.threads, service: exp(p.mu), capacity: 2000, sample: '5s' }));
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < 3; k++) {
        const q = s.add('producer', `cascade/producer${i}-${k}`, { index: 3 * i + k, rate: (0.75 * p.threads * p.mu) / 3, brokers: 3, stop: p.duration });
        for (let j = 0; j < 3; j++) s.link(q.port(`broker${j}`), brokers[(i + j) % 3]!.port(`producer${3 * i + k}`), { latency: p.latency });
      }
      const c = s.add('consumer', `cascade/consumer${i}`, { warmup: p.warmup });
      s.link(brokers[i]!.port('consumer0'), c.port('broker'), { latency: p.latency });
    }
    s.faults.crash(brokers[0]!, { at: p.crashAt });
  }
  return s;
}

type Stats = Record<string, any>;

export function brokerSemanticsSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const at = (path: string) => metrics.find((m) => m.path === path)?.stats as Stats | undefined;
  const L = ps(p.latency, 'latency') / SEC;
  const P = ps(p.persist, 'persist') / SEC;
  const ms = (x: number) => x / MS;
  const figs: Figure[] = [];
  for (const ack of ['leader', 'quorum', 'all'] as const) {
    const q = at(`replication-${ack}/producer0`);
    if (q) figs.push({ name: `replication, ack ${ack}: publish latency`, value: ms(q.publishLatency.mean), expected: publishLatency(L, P, [0.001, 0.005], ack) * 1000, unit: 'ms' });
  }
  const vis = at('visibility/broker');
  if (vis) {
    // First deliveries expire when processing exceeds V - 2L (the round trip to the consumer).
    const q = (0.01 / (1 - 2 * L)) ** 1.5;
    figs.push({ name: 'visibility: first deliveries timed out', value: vis.expiredFirst / (vis.processed - vis.redelivered), expected: q });
    const dups = (at('visibility/consumer0')!.duplicates as number) + (at('visibility/consumer1')!.duplicates as number);
    figs.push({ name: 'visibility: duplicates processed', value: dups });
  }
  const red = at('redelivery/broker');
  if (red) {
    // Half the deliveries (round robin) went to the consumer down for 10 s; V = 2 s, processing 50 ms.
    const from = ps(p.consumerCrashAt, 'consumerCrashAt') / SEC;
    const expected = crashRedeliveries({ rate: 50, share: 0.5, from, until: from + 10, visibility: 2, processingMean: 0.05 });
    figs.push({ name: 'redelivery: messages delivered again after the consumer crash', value: red.redelivered, expected });
  }
  const none = at('ordering-none/consumer0');
  const key = at('ordering-key/consumer0');
  if (none && key) {
    figs.push({ name: 'ordering: latency, any order', value: ms(none.latency.mean), unit: 'ms' });
    figs.push({ name: `ordering: latency, in order per key (${p.keys} keys)`, value: ms(key.latency.mean), unit: 'ms' });
    figs.push({ name: 'ordering: in-order / out-of-order latency (seed: 1.5×)', value: key.latency.mean / none.latency.mean, expected: 1.5 });
    figs.push({ name: 'ordering: out-of-order messages, any order', value: none.outOfOrder });
    figs.push({ name: 'ordering: out-of-order messages, in order per key (must be 0)', value: key.outOfOrder });
  }
  const shared = at('threading-shared/broker');
  const dedicated = at('threading-dedicated/broker');
  if (shared && dedicated) {
    const secs = ps(p.duration, 'duration') / SEC;
    figs.push({ name: 'threading, dedicated: throughput (eq. 12: min(λ, T/2·μ))', value: dedicated.processed / secs, expected: dedicatedThroughput(p.lambda, p.mu, p.threads, p.connections), unit: '/s' });
    figs.push({ name: 'threading, shared: throughput', value: shared.processed / secs, expected: p.lambda, unit: '/s' });
    // The chain changes rates with the state during a service; the model fixes a service's overhead when it starts.
    const theory = sharedThreading(p.lambda, p.mu, p.threads, p.overhead);
    figs.push({ name: 'threading, shared: mean wait (state-dependent M/M/T, approx.)', value: shared.wait.mean / SEC, expected: theory.meanWait, unit: 's' });
  }
  const te = at('tail-exponential/consumer0');
  const tp = at('tail-pareto/consumer0');
  if (te && tp) {
    figs.push({ name: `tail: p99 latency, Pareto α=${p.alpha} / exponential`, value: tp.latencyQ.p99 / te.latencyQ.p99 });
    figs.push({ name: 'tail: p99.9 latency, Pareto / exponential', value: tp.latencyQ.p999 / te.latencyQ.p999 });
    // Waiting is what the tail moves most: Whitt's two-moment approximation scales it by (1 + C²)/2, C² = 1/(α(α - 2)).
    const scv = 1 / (p.alpha * (p.alpha - 2));
    const we = at('tail-exponential/broker')!.wait.mean;
    const wp = at('tail-pareto/broker')!.wait.mean;
    if (p.alpha > 2) figs.push({ name: 'tail: mean wait for a thread, Pareto / exponential', value: wp / we, expected: (1 + scv) / 2 });
    const worst = (w: { values: number[] }) => Math.max(...w.values);
    figs.push({ name: 'tail: worst 10 s mean latency, Pareto / exponential (seed: 3-10×)', value: worst(tp.windows) / worst(te.windows) });
    figs.push({ name: 'tail: worst 10 s mean / long-run mean, Pareto', value: worst(tp.windows) / tp.latency.mean });
    figs.push({ name: 'tail: worst 10 s mean / long-run mean, exponential', value: worst(te.windows) / te.latency.mean });
  }
  const b1 = at('cascade/broker1');
  if (b1) {
    // After broker 0 fails, broker 1 gets its own 90/s and broker 0's: it fills at 180 - 120 per second.
    const q = b1.queue as { times: number[]; values: number[] };
    const crash = ps(p.crashAt, 'crashAt');
    const i0 = q.times.findIndex((t) => t >= crash + 5 * SEC);
    const i1 = q.times.findIndex((t) => t >= crash + 20 * SEC);
    if (i0 >= 0 && i1 > i0) {
      const rate = (q.values[i1]! - q.values[i0]!) / ((q.times[i1]! - q.times[i0]!) / SEC);
      figs.push({ name: 'cascade: broker 1 queue growth after broker 0 fails', value: rate, expected: 2 * 0.75 * p.threads * p.mu - p.threads * p.mu, unit: '/s' });
    }
    let refused = 0;
    let consumed = 0;
    for (const i of [0, 1, 2]) {
      refused += at(`cascade/broker${i}`)!.refused;
      consumed += at(`cascade/broker${i}`)!.consumed;
    }
    figs.push({ name: 'cascade: publishes refused (queues full)', value: refused });
    figs.push({ name: 'cascade: messages consumed per second over the run', value: consumed / (ps(p.duration, 'duration') / SEC), unit: '/s' });
  }
  return figs;
}

export default defineConfig({
  name: 'broker-semantics',
  description: 'Broker semantics: replication and ack policy, visibility timeout and redelivery, ordering, threading, heavy tails, a cascade failure',
  modules: ['@splitsim/protocols'],
  params,
  system: brokerSemanticsSystem,
  instantiations: {
    one: () => ({ description: 'every station in one instance' }),
    split: () => ({ description: 'brokers in one instance, producers, consumers and replicas in another', partition: manual({ brokers: '*/broker*' }, { rest: 'clients' }) }),
  },
  run: { until: '1101s', seed: 1 },
  summary: brokerSemanticsSummary,
});
