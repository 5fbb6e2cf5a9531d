import { z } from 'zod';
import { Component, defineSpec } from '@splitsim/kernel';

const params = z
  .object({
    /** Stop the whole run once this many jobs have arrived; never by default. */
    stopAfter: z.number().int().positive().optional(),
  })
  .strict();

/** Absorbs jobs and records their end-to-end latency (now minus the creation time they carry). */
export class LatencySink extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'sink.latency',
    kinds: ['sink'],
    default: true,
    description: 'Absorbs jobs; latency mean, variance and quantiles (±1 %)',
    ports: ['in'],
    params,
    statistics: {
      latency: { type: 'tally', unit: 'ps', description: 'End-to-end latency of each job: its arrival here minus the creation time it carries' },
      latencyQuantiles: { type: 'quantiles', unit: 'ps', description: 'Percentiles of the same latencies (within relativeError, 0.78 %)' },
    },
  });

  private readonly latency = this.ctx.stats.tally('latency');
  private readonly quantiles = this.ctx.stats.quantiles('latencyQuantiles');
  private readonly stopAfter = this.params.stopAfter ?? Infinity;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    this.ctx.port('in', (job) => this.absorb(job));
  }

  private absorb(created: number): void {
    const l = this.ctx.now - created;
    this.latency.add(l);
    this.quantiles.add(l);
    if (this.latency.count >= this.stopAfter) this.ctx.stop(`${this.latency.count} jobs arrived at ${this.ctx.path}`);
  }
}
