import { defineKind, type KindSpec } from './kind.ts';

/**
 * Service-level kinds and PHOLD: what they are is fixed here, but their parameters (arrival
 * profile, service distribution, policy, …) and ports belong to the model that simulates them,
 * whose own schema checks them at instantiation.
 */
function modelSpecific(kind: string, description: string): KindSpec {
  return defineKind({ kind, description });
}

export const source = modelSpecific('source', 'emits jobs or requests with an arrival profile');
export const server = modelSpecific('server', 'serves jobs: servers, queue, service time distribution');
export const loadBalancer = modelSpecific('load-balancer', 'routes each job to one of its servers by a policy');
export const client = modelSpecific('client', 'sends requests and waits for responses');
export const sink = modelSpecific('sink', 'absorbs jobs and measures them');
export const phold = modelSpecific('phold', 'a PHOLD benchmark node');
