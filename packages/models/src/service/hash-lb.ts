import { z } from 'zod';
import { defineSpec } from '@splitsim/kernel';
import { Dispatcher, dispatcherParams, DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { tagCustomer } from './protocol.ts';

const params = z
  .object({
    ...dispatcherParams,
    /** `modulo`: customer mod n, as Python's hash(int) % n in the routing post; `mix`: a 32-bit mix first. */
    hash: z.enum(['modulo', 'mix']).default('modulo'),
  })
  .strict();

/** Sends every job of a customer to the same target: a hash of the customer id, mod n. */
export class HashLb extends Dispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({ model: 'lb.hash', kinds: ['load-balancer'], description: 'Jobs of a customer always to the same target (hash of the customer id)', ports: DISPATCHER_PORTS, params, statistics: DISPATCHER_STATISTICS });

  protected route(token: number, tag: unknown): void {
    const c = tagCustomer(tag);
    this.send((this.params.hash === 'modulo' ? c : mix(c)) % this.servers, token, tag);
  }
}

/** A 32-bit integer mix (murmur3's finaliser), non-negative. */
export function mix(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
