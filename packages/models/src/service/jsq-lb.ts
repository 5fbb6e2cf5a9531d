import { z } from 'zod';
import { defineSpec } from '@splitsim/kernel';
import { Dispatcher, dispatcherParams, DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { LevelBuckets } from './level-buckets.ts';
import { statusRejected } from './protocol.ts';

const params = z.object(dispatcherParams).strict();

/**
 * Join the shortest queue: the dispatcher counts each target's outstanding jobs (sent minus
 * answered), so target ports must be linked to request/response ports (a server's `client<i>`);
 * ties are broken at random.
 */
export class JsqLb extends Dispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'lb.jsq',
    kinds: ['load-balancer'],
    description: 'Join the shortest queue, by outstanding jobs per target (needs responses)',
    ports: DISPATCHER_PORTS,
    params,
    statistics: {
      ...DISPATCHER_STATISTICS,
      completed: { type: 'counter', unit: 'jobs', description: 'Responses from the targets, passed on to out; refusals are in rejected' },
      rejected: { type: 'counter', unit: 'jobs', description: 'Responses saying the server refused the job (capacity or queue limit)' },
    },
  });
  private readonly outstanding = new LevelBuckets(this.n);

  override init(): void {
    this.noBanks();
  }
  private readonly rejected = this.ctx.stats.counter('rejected');

  protected route(token: number, tag: unknown): void {
    const i = this.outstanding.pickMin(this.ctx.rng);
    this.outstanding.inc(i);
    this.send(i, token, tag);
  }

  protected override onResponse(i: number, token: number, status: unknown): void {
    this.outstanding.dec(i);
    if (statusRejected(status)) this.rejected.value++;
    else super.onResponse(i, token, status);
  }
}
