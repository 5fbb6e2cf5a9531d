/** Service-level models: sources, servers, load balancers, clients, sinks, probes, the broker tandem. */
import { HashLb } from './hash-lb.ts';
import { JsqDLb } from './jsq-d-lb.ts';
import { JsqLb } from './jsq-lb.ts';
import { LlDLb } from './ll-d-lb.ts';
import { LoadAwareClient } from './load-aware-client.ts';
import { Loss } from './loss.ts';
import { PoolingLb } from './pooling-lb.ts';
import { Probe } from './probe.ts';
import { ProfileSource } from './profile-source.ts';
import { PullLb } from './pull-lb.ts';
import { PushLb } from './push-lb.ts';
import { QueueServer } from './queue-server.ts';
import { RandomLb } from './random-lb.ts';
import { ServerBank } from './server-bank.ts';
import { RoundRobinLb } from './round-robin-lb.ts';
import { StatsSink } from './stats-sink.ts';
import { Transmitter } from './transmitter.ts';
import { WaterFillingLb } from './water-filling-lb.ts';

export {
  ProfileSource, QueueServer, ServerBank, StatsSink, Probe, LoadAwareClient, Transmitter, Loss,
  RandomLb, RoundRobinLb, HashLb, JsqLb, JsqDLb, LlDLb, PushLb, PullLb, WaterFillingLb, PoolingLb,
};
export { serviceKinds, probeKind, networkKind } from './kinds.ts';
export * as protocol from './protocol.ts';
