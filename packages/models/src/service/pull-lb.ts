import { z } from 'zod';
import { defineSpec } from '@splitsim/kernel';
import { dispatcherParams, DISPATCHER_PORTS } from './dispatcher.ts';
import { EstimateDispatcher, ESTIMATE_STATISTICS } from './estimate-dispatcher.ts';

const params = z.object(dispatcherParams).strict();

/**
 * The pull policy: servers send their queue length on their own (server.queue `updates`: with
 * probability p at each completion, at rate r while idle); the dispatcher only listens. Over a
 * link with latency, jobs still in flight to a server are not in its report.
 */
export class PullLb extends EstimateDispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'lb.pull',
    kinds: ['load-balancer'],
    description: 'Hyper-scalable pull: lowest estimated queue; servers report their length (p at completions, rate r when idle)',
    ports: DISPATCHER_PORTS,
    params,
    statistics: ESTIMATE_STATISTICS,
  });

  protected readonly solicited = false;
}
