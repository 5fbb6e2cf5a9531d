import type { ComponentClass } from '@splitsim/kernel';
import { FifoServer } from './queueing/fifo-server.ts';
import { LatencySink } from './queueing/latency-sink.ts';
import { PoissonSource } from './queueing/poisson-source.ts';
import { networkModels } from './network/index.ts';
import { PholdNode } from './phold/index.ts';
import { serviceModels } from './service/index.ts';

/**
 * Every installed model by name. Plans name models; runners (threads, processes, remote) look
 * them up here and never run code that arrived with a plan.
 */
export const registry: ReadonlyMap<string, ComponentClass> = new Map<string, ComponentClass>(
  [PoissonSource, FifoServer, LatencySink, ...networkModels, PholdNode, ...serviceModels].map((cls) => [cls.spec.model, cls as ComponentClass]),
);

export function findModel(name: string): ComponentClass | undefined {
  return registry.get(name);
}
