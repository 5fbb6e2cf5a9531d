import { Engine, SplitSimError, type Port } from '@splitsim/kernel';
import { planFaultSource, type Catalog, type Plan } from '@splitsim/instantiation';

/** One end of a cut link on this instance: where outbound messages leave, where inbound ones land. */
export interface CutLinkEnd {
  link: number;
  channel: number;
  /** This instance's port on the link. */
  port: Port;
  /** Handler id inbound messages are delivered to (the port's receiver), or -1 if nothing arrives: it only sends, or the peer's end is silent. */
  handler: number;
  /** This end never sends (the plan's link says so); a send fails the run. */
  silent: boolean;
}

export interface BuiltInstance {
  engine: Engine;
  /** Cut links touching this instance, by link id. */
  cut: Map<number, CutLinkEnd>;
}

/**
 * Builds the engine of one instance of a plan: its components, from the catalogue of the plan's
 * model modules (planCatalog), and its local links. Links cut by the partition are returned for
 * the channel layer to attach. Models find the applications modules declare through their
 * context (`ctx.extension('app', type)`).
 */
export function buildInstance(plan: Plan, instanceId: number, catalog: Catalog, log?: (line: string) => void): BuiltInstance {
  // `record`: what the plan asks models to record (plan.ts, planRecordSchema); absent, they record nothing.
  const record = plan.record;
  const extensions = (family: string, name: string) => (family === 'app' ? catalog.apps.get(name)?.spec : family === 'record' ? record : undefined);
  const faults = planFaultSource(plan.faults);
  const engine = new Engine({ seed: plan.seed, extensions, ...(log ? { log } : {}), ...(faults ? { faults } : {}) });
  const instance = plan.instances[instanceId];
  if (!instance) throw new SplitSimError('E_CONFIG', `plan has no instance ${instanceId}`);
  const local = new Map<number, ReturnType<Engine['add']>>();
  for (const id of instance.components) {
    const c = plan.components[id]!;
    const cls = catalog.models.get(c.model)?.cls;
    if (!cls) throw new SplitSimError('E_CONFIG', `${c.path}: no model module of this runner provides model "${c.model}"`, { component: c.path });
    const params = cls.spec.params.parse(c.params);
    local.set(id, engine.add(cls, c.id, c.path, params));
  }
  const portOf = (component: number, name: string): Port => {
    const comp = local.get(component)!;
    const port = comp.ctx.ports.get(name);
    if (!port) {
      throw new SplitSimError('E_PORT', `${comp.ctx.path}: model ${comp.ctx.model} never opened port "${name}", but a link joins it`, { component: comp.ctx.path, port: name });
    }
    return port;
  };
  const cut = new Map<number, CutLinkEnd>();
  for (const l of plan.links) {
    const aLocal = local.has(l.a.component);
    const bLocal = local.has(l.b.component);
    if (aLocal && bLocal) engine.connect(portOf(l.a.component, l.a.port), portOf(l.b.component, l.b.port), l.latency, l.id);
    else if (aLocal || bLocal) {
      const end = aLocal ? l.a : l.b;
      const port = portOf(end.component, end.port);
      port.latency = l.latency;
      port.link = l.id;
      engine.attachFaults(port);
      const silent = l.silent === 'both' || l.silent === (aLocal ? 'a' : 'b');
      const peerSilent = l.silent === 'both' || l.silent === (aLocal ? 'b' : 'a');
      cut.set(l.id, { link: l.id, channel: l.channel!, port, handler: peerSilent ? -1 : port.handler, silent });
    }
  }
  if (record) for (const ctx of engine.contexts) ctx.stats.distributions = true;
  return { engine, cut };
}
