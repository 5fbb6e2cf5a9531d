/** @splitsim/models: the component simulators, and the registry runners look models up in. */
export { PoissonSource } from './queueing/poisson-source.ts';
export { FifoServer } from './queueing/fifo-server.ts';
export { LatencySink } from './queueing/latency-sink.ts';
export { registry, findModel } from './registry.ts';
export { erlangB, erlangC, mmc, type MmcResult } from './analytics/erlang.ts';
export * from './service/index.ts';
export * from './distributions/index.ts';
export * from './analytics/index.ts';
export * from './network/index.ts';
export { PholdNode, PHOLD_LEVELS } from './phold/index.ts';
