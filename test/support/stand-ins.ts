/**
 * Model specs without simulators, for checking plans against a chosen set of models: added to
 * (or replacing, by name) the built-in catalogue. Nothing here can run; plans only.
 */
import { z } from 'zod';
import { Component } from '@splitsim/kernel';
import { builtinCatalog, type Catalog, type CatalogModel } from '@splitsim/instantiation';
import { builtinKinds, type KindSpec } from '@splitsim/system';

export interface StandIn {
  model: string;
  kinds: string[];
  ports: string[];
  params?: z.ZodType;
}

class NotRunnable extends Component {
  constructor() {
    throw new Error('a stand-in model cannot run');
    super(undefined as never, undefined);
  }
}

export function standIns(list: readonly StandIn[], kinds: ReadonlyMap<string, KindSpec> = builtinKinds): Catalog {
  const base = builtinCatalog();
  const models = new Map<string, CatalogModel>(base.models);
  for (const m of list) {
    // A stand-in for a built-in model keeps its place as its kind's default.
    const replaced = base.models.get(m.model)?.spec;
    const spec = { model: m.model, kinds: m.kinds, ports: m.ports, description: `stand-in for ${m.model}`, params: m.params ?? kinds.get(m.kinds[0]!)?.params ?? z.record(z.string(), z.unknown()), ...(replaced?.default ? { default: true } : {}) };
    models.set(m.model, { spec, cls: NotRunnable as never, module: 'stand-ins' });
  }
  return { ...base, models };
}

/** Rules that give the datacenter its models: hosts behind a NIC in detail, the rest protocol-level. */
export const networkRules = (detailed: ReadonlySet<string> = new Set()) => [
  { kind: 'switch', model: 'switch.packet' },
  { kind: 'nic', model: 'nic.detailed' },
  { kind: 'host', where: (c: { path: string }) => detailed.has(c.path), model: 'host.detailed' },
  { kind: 'host', model: 'host.protocol' },
];
