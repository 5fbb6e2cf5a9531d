import { z } from 'zod';
import { defineSpec } from '@splitsim/kernel';
import { Dispatcher, dispatcherParams, DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';

const params = z.object(dispatcherParams).strict();

/** Sends jobs to the targets in turn. */
export class RoundRobinLb extends Dispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({ model: 'lb.round-robin', kinds: ['load-balancer'], description: 'Jobs to the targets in turn', ports: DISPATCHER_PORTS, params, statistics: DISPATCHER_STATISTICS });
  private nextTarget = 0;

  protected route(token: number, tag: unknown): void {
    this.send(this.nextTarget, token, tag);
    this.nextTarget = (this.nextTarget + 1) % this.servers;
  }
}
