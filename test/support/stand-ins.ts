/**
 * Model specs without simulators, for checking plans against a chosen set of models whatever is
 * installed: the same names, kinds and ports the network models declare, and the kind's own
 * parameter schema (what a network model receives). Nothing here can run; it is a catalog only.
 */
import { z } from 'zod';
import type { ModelCatalog } from '@splitsim/instantiation';
import { builtinKinds, type KindSpec } from '@splitsim/system';

export interface StandIn {
  model: string;
  kinds: string[];
  ports: string[];
  params?: z.ZodType;
}

export function standIns(list: readonly StandIn[], kinds: ReadonlyMap<string, KindSpec> = builtinKinds): ModelCatalog {
  return new Map(
    list.map((m) => [
      m.model,
      { spec: { model: m.model, kinds: m.kinds, ports: m.ports, description: `stand-in for ${m.model}`, params: m.params ?? kinds.get(m.kinds[0]!)?.params ?? z.record(z.string(), z.unknown()) } },
    ]),
  );
}

/** The datacenter's four network models: protocol-level switch and host, detailed host and NIC. */
export const NETWORK_MODELS: readonly StandIn[] = [
  { model: 'switch.packet', kinds: ['switch'], ports: ['p*'] },
  { model: 'host.protocol', kinds: ['host'], ports: ['eth'] },
  { model: 'host.detailed', kinds: ['host'], ports: ['pci'] },
  { model: 'nic.detailed', kinds: ['nic'], ports: ['pci', 'eth'] },
];

/** Rules that give the datacenter its models: hosts behind a NIC in detail, the rest protocol-level. */
export const networkRules = (detailed: ReadonlySet<string> = new Set()) => [
  { kind: 'switch', model: 'switch.packet' },
  { kind: 'nic', model: 'nic.detailed' },
  { kind: 'host', where: (c: { path: string }) => detailed.has(c.path), model: 'host.detailed' },
  { kind: 'host', model: 'host.protocol' },
];
