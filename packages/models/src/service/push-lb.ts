import { z } from 'zod';
import { defineSpec, SEC, units } from '@splitsim/kernel';
import { dispatcherParams, DISPATCHER_PORTS } from './dispatcher.ts';
import { EstimateDispatcher } from './estimate-dispatcher.ts';
import { PROBE_LENGTH } from './protocol.ts';

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
  });

  protected readonly solicited = true;
  private readonly tick = this.ctx.timer(() => this.probe());
  private readonly gap = SEC / (this.params.probeRate * this.servers);
  private readonly stop = this.params.stop ?? Infinity;

  override init(): void {
    super.init();
    this.next();
  }

  private next(): void {
    const delay = this.ctx.rng.exponential(this.gap);
    if (this.ctx.now + delay <= this.stop) this.ctx.schedule(this.tick, delay);
  }

  private probe(): void {
    const i = this.ctx.rng.int(this.servers);
    this.probed(i);
    this.command(i, PROBE_LENGTH, 0);
    this.next();
  }
}
