import { defineSpec } from '@splitsim/kernel';
import { DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { PROBE_LENGTH } from './protocol.ts';
import { SampledDispatcher, sampledParams } from './sampled-dispatcher.ts';

/** JSQ(d), the power of d choices: probe d random servers' queue lengths, join the shortest. */
export class JsqDLb extends SampledDispatcher {
  static readonly spec = defineSpec({ model: 'lb.jsq-d', kinds: ['load-balancer'], description: 'Power of d choices: probe d random servers, join the shortest queue', ports: DISPATCHER_PORTS, params: sampledParams, statistics: DISPATCHER_STATISTICS });
  protected readonly probeOp = PROBE_LENGTH;
}
