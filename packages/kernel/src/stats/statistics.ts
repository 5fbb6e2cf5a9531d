import { BatchMeans } from './batch-means.ts';
import { Quantiles } from './quantiles.ts';
import { Counter, Tally } from './tally.ts';
import { TimeSeries } from './time-series.ts';
import { TimeWeighted, type Clock } from './time-weighted.ts';

export type Statistic = Counter | Tally | TimeWeighted | Quantiles | BatchMeans | TimeSeries;

/**
 * One component's named statistics. Created during setup, updated on the hot path through the
 * returned objects (never by name), summarised as plain JSON at the end of a run.
 */
export class Statistics {
  private readonly byName = new Map<string, Statistic>();
  /** Whether quantile sketches give their whole distribution in toJSON (a recorded run: `--record`). */
  distributions = false;

  constructor(private readonly clock: Clock, private readonly owner: string) {}

  counter(name: string): Counter {
    return this.register(name, new Counter());
  }

  tally(name: string): Tally {
    return this.register(name, new Tally());
  }

  timeWeighted(name: string, initial = 0): TimeWeighted {
    return this.register(name, new TimeWeighted(this.clock, initial));
  }

  quantiles(name: string): Quantiles {
    return this.register(name, new Quantiles());
  }

  batchMeans(name: string, targetBatches = 32): BatchMeans {
    return this.register(name, new BatchMeans(targetBatches));
  }

  /** A series of (time, value) samples, e.g. what a probe records. */
  series(name: string): TimeSeries {
    return this.register(name, new TimeSeries());
  }

  get(name: string): Statistic | undefined {
    return this.byName.get(name);
  }

  get size(): number {
    return this.byName.size;
  }

  private register<T extends Statistic>(name: string, stat: T): T {
    if (this.byName.has(name)) throw new Error(`${this.owner}: statistic "${name}" is declared twice`);
    this.byName.set(name, stat);
    return stat;
  }

  /** Name → summary, in declaration order (so the JSON is byte-stable). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, stat] of this.byName) out[name] = this.distributions && stat instanceof Quantiles ? stat.toJSON(true) : stat.toJSON();
    return out;
  }
}
