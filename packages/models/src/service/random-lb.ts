import { z } from 'zod';
import { defineSpec } from '@splitsim/kernel';
import { Dispatcher, dispatcherParams, DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';

const params = z.object(dispatcherParams).strict();

/** Sends each job to a uniformly random target (the post's RandomRouter; resource pooling's dispatch). */
export class RandomLb extends Dispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({ model: 'lb.random', kinds: ['load-balancer'], description: 'Each job to a uniformly random target', ports: DISPATCHER_PORTS, params, statistics: DISPATCHER_STATISTICS });

  protected route(token: number, tag: unknown): void {
    this.send(this.ctx.rng.int(this.servers), token, tag);
  }
}
