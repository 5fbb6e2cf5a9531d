/**
 * The built-in model module (`splitsim/models`): one model module among others, read the way a
 * user's is. Every model, component kind, host application and instantiation step it exports
 * is in every run's catalogue; a config's own modules add theirs.
 */
export { PoissonSource } from './queueing/poisson-source.ts';
export { FifoServer } from './queueing/fifo-server.ts';
export { LatencySink } from './queueing/latency-sink.ts';
export { PacketSwitch, ProtocolHost, DetailedHost, DetailedNic, networkStep, udpSink, udpCbr, udpPoisson, tcpBulk, tcpSink, rpcClient, rpcServer } from './network/index.ts';
export { PholdNode } from './phold/index.ts';
export {
  ProfileSource, QueueServer, ServerBank, StatsSink, Probe, LoadAwareClient, Transmitter, Loss,
  RandomLb, RoundRobinLb, HashLb, JsqLb, JsqDLb, LlDLb, PushLb, PullLb, WaterFillingLb, PoolingLb,
  probeKind, networkKind,
} from './service/index.ts';
export { host, nic, switchKind, source, server, loadBalancer, client, sink, phold } from '@splitsim/system';

/** How plans name this module. */
export const BUILTIN_MODULE = 'splitsim/models';
