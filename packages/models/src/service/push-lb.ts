import { z } from 'zod';
import { defineSpec, SEC, units } from '@splitsim/kernel';
import { dispatcherParams, DISPATCHER_PORTS } from './dispatcher.ts';
import { EstimateDispatcher, ESTIMATE_STATISTICS } from './estimate-dispatcher.ts';
import { PROBE_LENGTH } from './protocol.ts';
import { uniformInt } from '../distributions/uniform-int.ts';

const params = z
  .object({
    ...dispatcherParams,
    /** Probes per second per server (δ): the dispatcher probes a random server at rate δN. */
    probeRate: z.number().positive(),
    /** No probes after this time, so that a run whose sources have stopped can drain and end. */
    stop: units.time().optional(),
  })
  .strict();

/**
 * The push policy: the dispatcher probes a uniformly random server at rate δN (a Poisson
 * stream) and replaces that server's estimate by the length it reports. Servers answer probes on
 * the link they came on (link target ports to a server's `in`).
 */
export class PushLb extends EstimateDispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'lb.push',
    kinds: ['load-balancer'],
    description: 'Hyper-scalable push: lowest estimated queue; the dispatcher probes a random server at rate δN',
    ports: DISPATCHER_PORTS,
    params,
    statistics: ESTIMATE_STATISTICS,
  });

  protected readonly solicited = true;
  private readonly tick = this.ctx.timer(() => this.probe());
  private readonly gap = SEC / (this.params.probeRate * this.servers);
  private readonly stop = this.params.stop ?? Infinity;
  /**
   * With latency 0 on every target link, the reply to a probe comes back at the instant the probe
   * was sent; the dispatcher then sends the next probe at once, to be delivered at its time
   * (Port.sendAfter), instead of setting a timer for it: two events per probe instead of three,
   * the same probes at the same times. Links with latency (and every cut link has some) keep the
   * timer: a reply may come back after the next probe is due.
   */
  private chained = false;

  override init(): void {
    super.init();
    this.chained = this.targetPorts.every((p) => p.latency === 0);
    this.next();
  }

  private next(): void {
    const delay = this.ctx.rng.exponential(this.gap);
    if (this.ctx.now + delay > this.stop) return;
    if (!this.chained) return this.ctx.schedule(this.tick, delay);
    // Whole picoseconds, as schedule() would round the timer's delay.
    this.commandAfter(Math.round(delay), uniformInt(this.ctx.rng, this.servers), PROBE_LENGTH, 0);
  }

  private probe(): void {
    const i = uniformInt(this.ctx.rng, this.servers);
    this.probed(i);
    this.command(i, PROBE_LENGTH, 0);
    this.next();
  }

  protected override onReport(i: number, num: number): void {
    super.onReport(i, num);
    // Every report answers a probe (push servers send none on their own).
    if (this.chained) this.next();
  }
}
