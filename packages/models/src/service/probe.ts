import { z } from 'zod';
import { Component, defineSpec, units, type TimeSeries } from '@splitsim/kernel';

const params = z
  .object({
    /** Names of the target's metrics (its model lists them; e.g. depth, load, inSystem). */
    metrics: z.array(z.string().min(1)).min(1),
    /** Time between samples: "100ms". */
    interval: units.time().refine((t) => t > 0, 'interval must be > 0'),
    start: units.time().default(0),
    stop: units.time().optional(),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * Samples metrics of one component at a fixed interval: at each tick it sends (0, name) on
 * `target` for every metric and records each answer, with the time it arrives, in a time series
 * statistic named after the metric. Joined to the target's `probe` port by an ordinary link, so
 * it may sit in another instance (the samples then lag by the link's round trip). The run
 * directory turns the series into CSV and report.html plots them.
 */
export class Probe extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'probe.sampler',
    kinds: ['probe'],
    description: 'Samples named metrics of the component on its target port at an interval into time series',
    ports: ['target'],
    params,
    statistics: {
      '*': { type: 'series', unit: "the target's", description: "One series per name in metrics: times in ps, values in the target's unit (its latencies in seconds, lengths in jobs)" },
    },
  });

  private readonly series = new Map<string, TimeSeries>();
  private readonly target = this.ctx.port('target', (value, ref) => this.series.get(ref as string)?.add(this.ctx.now, value));
  private readonly tick = this.ctx.timer(() => this.sample());
  private readonly stop = this.params.stop ?? Infinity;

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    for (const m of this.params.metrics) this.series.set(m, this.ctx.stats.series(m));
  }

  override init(): void {
    if (this.params.start <= this.stop) this.ctx.schedule(this.tick, this.params.start);
  }

  private sample(): void {
    for (const m of this.params.metrics) this.target.send(0, m);
    if (this.ctx.now + this.params.interval <= this.stop) this.ctx.schedule(this.tick, this.params.interval);
  }
}
