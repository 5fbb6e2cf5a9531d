import { z } from 'zod';
import { Component, defineSpec, SEC, units, type Tally } from '@splitsim/kernel';
import { answerProbes } from './probe-port.ts';
import { family, tagClass } from './protocol.ts';

const params = z
  .object({
    /** Latency classes to keep apart (from each job's tag); class ≥ classes counts as the last. */
    classes: z.number().int().positive().max(512).default(1),
    /** Extra input ports in0..in{n-1}, for several upstream components (besides `in`). */
    inputs: z.number().int().nonnegative().default(0),
    /** Jobs that arrived (at the sink) before this time are left out of the statistics. */
    warmup: units.time().default(0),
    /** Stop the whole run once this many jobs were absorbed. */
    stopAfter: z.number().int().positive().optional(),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * Absorbs jobs; end-to-end latency (now - the creation time the job carries) with mean,
 * variance and percentiles (p50, p90, p99, p999 within 1 %), overall and per class. For probes
 * it offers the mean latency in seconds since the previous query (`latency`, `latency.class<k>`), so a
 * time series shows latency over time.
 */
export class StatsSink extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'sink.stats',
    kinds: ['sink'],
    description: 'Absorbs jobs: latency mean, variance and percentiles, overall and per class; windowed latency for probes',
    ports: ['in', 'in*', 'probe'],
    params,
    statistics: {
      latency: { type: 'tally', unit: 'ps', description: 'Arrival here minus the creation time the job carries, per job that arrived after warmup' },
      latencyQuantiles: { type: 'quantiles', unit: 'ps', description: 'Percentiles of latency (within relativeError, 0.78 %)' },
      'latency.class*': { type: 'tally', unit: 'ps', description: 'latency of the jobs of class k (when classes > 1)' },
      'latencyQuantiles.class*': { type: 'quantiles', unit: 'ps', description: 'Percentiles of latency.class<k> (when classes > 1)' },
    },
  });

  private readonly latency = this.ctx.stats.tally('latency');
  private readonly quantiles = this.ctx.stats.quantiles('latencyQuantiles');
  private readonly byClass: Tally[] = [];
  private readonly classQuantiles: ReturnType<typeof this.ctx.stats.quantiles>[] = [];
  private readonly stopAfter = this.params.stopAfter ?? Infinity;
  private absorbed = 0;
  /** Since the last probe query, per class (index classes = all). */
  private readonly windowSum: Float64Array;
  private readonly windowCount: Float64Array;

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const k = this.params.classes;
    if (k > 1) {
      for (let c = 0; c < k; c++) {
        this.byClass.push(this.ctx.stats.tally(`latency.class${c}`));
        this.classQuantiles.push(this.ctx.stats.quantiles(`latencyQuantiles.class${c}`));
      }
    }
    this.windowSum = new Float64Array(k + 1);
    this.windowCount = new Float64Array(k + 1);
    const absorb = (num: number, ref: unknown) => this.absorb(num, ref);
    this.ctx.port('in', absorb);
    for (const name of family('in', this.params.inputs)) this.ctx.port(name, absorb);
    const metrics: Record<string, () => number> = { count: () => this.latency.count, latency: () => this.windowMean(k) };
    for (let c = 0; c < k && k > 1; c++) metrics[`latency.class${c}`] = () => this.windowMean(c);
    answerProbes(this.ctx, metrics);
  }

  private windowMean(i: number): number {
    const n = this.windowCount[i]!;
    // Seconds: probe series are for people to read.
    const m = n > 0 ? this.windowSum[i]! / n / SEC : NaN;
    this.windowSum[i] = 0;
    this.windowCount[i] = 0;
    return m;
  }

  private absorb(created: number, ref: unknown): void {
    const now = this.ctx.now;
    this.absorbed++;
    if (now >= this.params.warmup) {
      const l = now - created;
      this.latency.add(l);
      this.quantiles.add(l);
      const k = this.params.classes;
      this.windowSum[k]! += l;
      this.windowCount[k]!++;
      if (k > 1) {
        const c = Math.min(tagClass(ref), k - 1);
        this.byClass[c]!.add(l);
        this.classQuantiles[c]!.add(l);
        this.windowSum[c]! += l;
        this.windowCount[c]!++;
      }
    }
    if (this.absorbed >= this.stopAfter) this.ctx.stop(`${this.absorbed} jobs arrived at ${this.ctx.path}`);
  }
}
