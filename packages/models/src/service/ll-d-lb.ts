import { defineSpec } from '@splitsim/kernel';
import { DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { PROBE_WORK } from './protocol.ts';
import { SampledDispatcher, sampledParams } from './sampled-dispatcher.ts';

/** LL(d): probe d random servers' unfinished work, join the least loaded (Hellemans and Van Houdt). */
export class LlDLb extends SampledDispatcher {
  static readonly spec = defineSpec({ model: 'lb.ll-d', kinds: ['load-balancer'], description: 'Probe d random servers, join the one with the least unfinished work', ports: DISPATCHER_PORTS, params: sampledParams, statistics: DISPATCHER_STATISTICS });
  protected readonly probeOp = PROBE_WORK;
}
