import { host } from './host.ts';
import type { KindSpec } from './kind.ts';
import { nic } from './nic.ts';
import { client, loadBalancer, phold, server, sink, source } from './service.ts';
import { switchKind } from './switch.ts';

/** The component kinds every System knows; `new System(name, { kinds })` adds more. */
export const builtinKinds: ReadonlyMap<string, KindSpec> = new Map(
  [host, nic, switchKind, source, server, loadBalancer, client, sink, phold].map((k) => [k.kind, k as KindSpec]),
);
