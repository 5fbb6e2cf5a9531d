/**
 * The M/M/c queue built from components: a Poisson source, a c-server FIFO station and a sink,
 * joined by links with latency. Run it with `splitsim run configs/mmc.ts`; compare the server's
 * mean wait with Erlang C (printed in the summary).
 */
import { z, defineConfig, manual, mmc, SEC, System } from 'splitsim';

const params = z
  .object({
    /** Arrival rate λ, jobs per second. */
    lambda: z.number().positive().default(90),
    /** Service rate μ of one server, jobs per second. */
    mu: z.number().positive().default(10),
    /** Servers. */
    c: z.number().int().positive().default(10),
    /** Jobs the source emits; the run ends when the last has left. */
    jobs: z.number().int().positive().default(200_000),
    /** Latency of each of the two links. */
    latency: z.union([z.string(), z.number()]).default('1us'),
  })
  .strict();

export function mmcSystem(p: z.output<typeof params>): System {
  const system = new System('mmc');
  const source = system.add('source', 'source', { rate: p.lambda, jobs: p.jobs });
  const server = system.add('server', 'server', { servers: p.c, rate: p.mu });
  const sink = system.add('sink', 'sink', {});
  system.link(source.port('out'), server.port('in'), { latency: p.latency });
  system.link(server.port('out'), sink.port('in'), { latency: p.latency });
  return system;
}

export default defineConfig({
  name: 'mmc',
  description: 'M/M/c queue from components (Poisson source → c-server FIFO → sink), checked against Erlang C',
  params,
  system: mmcSystem,
  instantiations: {
    // Explicit models: other models simulate these kinds too (source.profile, server.queue, sink.stats).
    single: () => ({ models: [{ kind: 'source', model: 'source.poisson' }, { kind: 'server', model: 'server.fifo' }, { kind: 'sink', model: 'sink.latency' }] }),
    // Source and server in one instance, the sink in another: the server → sink link is cut onto a channel.
    split: () => ({
      models: [{ kind: 'source', model: 'source.poisson' }, { kind: 'server', model: 'server.fifo' }, { kind: 'sink', model: 'sink.latency' }],
      partition: manual({ front: ['source', 'server'], back: 'sink' }),
    }),
  },
  defaultInstantiation: 'single',
  run: { seed: 1 },
  summary(metrics, p) {
    const server = metrics.find((m) => m.path === 'server')!.stats as Record<string, { mean: number; count: number }>;
    // An overloaded queue (λ ≥ cμ) has no steady state to compare with: figures without theory.
    const theory = p.lambda < p.c * p.mu ? mmc(p.lambda, p.mu, p.c) : null;
    return [
      { name: 'jobs served', value: server.response!.count },
      { name: 'mean wait', value: server.wait!.mean / SEC, ...(theory ? { expected: theory.meanWait } : {}), unit: 's' },
      { name: 'mean response', value: server.response!.mean / SEC, ...(theory ? { expected: theory.meanResponse } : {}), unit: 's' },
    ];
  },
});
