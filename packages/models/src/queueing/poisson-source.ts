import { z } from 'zod';
import { Component, defineSpec, SEC } from '@splitsim/kernel';

const params = z
  .object({
    /** Arrivals per second of simulated time. */
    rate: z.number().positive(),
    /** Jobs to emit before falling silent; unlimited by default. */
    jobs: z.number().int().nonnegative().default(Number.MAX_SAFE_INTEGER),
  })
  .strict();

/**
 * Emits jobs with exponential gaps. A job is one number on the wire: its creation time, so
 * the sink can measure end-to-end latency without any per-job object.
 */
export class PoissonSource extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'source.poisson',
    kinds: ['source'],
    default: true,
    description: 'Poisson arrivals at a rate per second, optionally a fixed number of jobs',
    ports: ['out'],
    params,
    statistics: {
      sent: { type: 'counter', unit: 'jobs', description: 'Jobs emitted' },
    },
  });

  private readonly out = this.ctx.port('out');
  private readonly tick = this.ctx.timer(() => this.arrive());
  private readonly sent = this.ctx.stats.counter('sent');
  private readonly rng = this.ctx.rng;
  private readonly mean = SEC / this.params.rate;
  private left = this.params.jobs;

  override init(): void {
    if (this.left > 0) this.ctx.schedule(this.tick, this.rng.exponential(this.mean));
  }

  private arrive(): void {
    this.out.send(this.ctx.now);
    this.sent.value++;
    if (--this.left > 0) this.ctx.schedule(this.tick, this.rng.exponential(this.mean));
  }
}
