import type { StatisticDoc } from '@splitsim/kernel';
import { Dispatcher, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { LevelBuckets } from './level-buckets.ts';
import { reported } from './protocol.ts';

/** Statistics of the push and pull dispatchers. */
export const ESTIMATE_STATISTICS: Readonly<Record<string, StatisticDoc>> = {
  ...DISPATCHER_STATISTICS,
  reports: { type: 'counter', unit: 'reports', description: "Queue lengths received: replies to the dispatcher's probes (push) or the servers' own updates (pull)" },
};

/**
 * Hyper-scalable dispatching (van der Boor, Borst and van Leeuwaarden): the dispatcher keeps an
 * estimate of each queue, sends every job to a server with the lowest estimate (ties at random)
 * and adds one to it; a report from a server replaces the estimate by the true length. Jobs sent
 * after a probe left arrive after it (links are FIFO), so they are added back to its reply.
 */
export abstract class EstimateDispatcher<P extends { targets: number; inputs: number; serversPerTarget?: number | undefined }> extends Dispatcher<P> {
  /** Push: reports answer the dispatcher's probes; pull: servers send them on their own. */
  protected abstract readonly solicited: boolean;
  protected readonly estimates = new LevelBuckets(this.servers);
  /** Jobs sent to each server, and that count when the last probe to it left. */
  private readonly sentTo = new Int32Array(this.servers);
  private readonly sentAtProbe = new Int32Array(this.servers);
  protected readonly reports = this.ctx.stats.counter('reports');

  /** Jobs can be in flight only over links with latency; without, the bookkeeping is skipped. */
  private track = false;

  override init(): void {
    this.track = this.solicited && this.targetPorts.some((p) => p.latency > 0);
  }

  protected route(token: number, tag: unknown): void {
    const i = this.estimates.takeMin(this.ctx.rng);
    if (this.track) this.sentTo[i]!++;
    this.send(i, token, tag);
  }

  /** Marks that a probe to i leaves now. */
  protected probed(i: number): void {
    if (this.track) this.sentAtProbe[i] = this.sentTo[i]!;
  }

  protected override onReport(i: number, num: number): void {
    this.reports.value++;
    // Unsolicited updates carry no snapshot: the server's length is taken as it is.
    // Counts wrap at 2^32 together, so their difference stays right.
    const inFlight = this.track ? (this.sentTo[i]! - this.sentAtProbe[i]!) | 0 : 0;
    this.estimates.set(i, reported(num) + inFlight);
  }

  protected override metrics(): Record<string, () => number> {
    return { minEstimate: () => this.estimates.min(), maxEstimate: () => this.estimates.max() };
  }
}
