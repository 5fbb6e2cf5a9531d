/** @splitsim/models: the component simulators, and the built-in model module that lists them. */
export { PoissonSource } from './queueing/poisson-source.ts';
export { FifoServer } from './queueing/fifo-server.ts';
export { LatencySink } from './queueing/latency-sink.ts';
export * as builtinModule from './builtin.ts';
export { BUILTIN_MODULE } from './builtin.ts';
export { erlangB, erlangC, mmc, type MmcResult } from './analytics/erlang.ts';
export * from './service/index.ts';
export * from './distributions/index.ts';
export * from './analytics/index.ts';
export * from './network/index.ts';
export { PholdNode, PHOLD_LEVELS } from './phold/index.ts';
