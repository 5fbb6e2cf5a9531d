import { parseTime, SplitSimError } from '@splitsim/kernel';
import { registry } from '@splitsim/models';
import type { ComponentDecl, System } from '@splitsim/system';
import { planSchema, type Placement, type Plan, type PlanChannel, type PlanLink } from './plan.ts';

/** A group of components that one instance will simulate. */
export interface Group {
  name: string;
  components: number[];
}

/** Partition strategies are pure functions of the system. */
export type PartitionFn = (system: System) => Group[];

export interface ModelRule {
  /** Applies to components of this kind… */
  kind?: string;
  /** …whose path matches this glob (`*` within a path segment, `**` across segments)… */
  match?: string;
  /** …and for which this holds. */
  where?: (component: ComponentDecl) => boolean;
  model: string;
}

/** How one system is simulated: models, partition, placement, sync. */
export interface Instantiation {
  models?: ModelRule[];
  partition?: PartitionFn;
  placement?: Placement['kind'] | ((instance: { name: string; index: number }) => Placement);
  /** Longest silence on a channel before a sync message; capped at each channel's lookahead. */
  syncInterval?: string | number;
}

export interface InstantiateOptions {
  config: string;
  instantiation: string;
  seed: number;
}

/** One problem found while resolving a plan; all are collected before failing once. */
export interface PlanProblem {
  where: string;
  message: string;
}

export class PlanError extends SplitSimError {
  constructor(readonly problems: PlanProblem[]) {
    super('E_CONFIG', `the plan has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`, { problems });
    this.name = 'PlanError';
  }
}

export const single: PartitionFn = (system) => [{ name: 'all', components: system.components.map((c) => c.id) }];

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function chooseModel(c: ComponentDecl, rules: ModelRule[], patterns: Array<RegExp | null>): string | undefined {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.kind !== undefined && r.kind !== c.kind) continue;
    if (patterns[i] && !patterns[i]!.test(c.path)) continue;
    if (r.where && !r.where(c)) continue;
    return r.model;
  }
  // A kind simulated by exactly one installed model needs no rule.
  const fits = [...registry.values()].filter((m) => m.spec.kinds.includes(c.kind));
  return fits.length === 1 ? fits[0]!.spec.model : undefined;
}

/** Resolves an instantiation of a system into a validated plan, or throws every problem at once. */
export function instantiate(system: System, inst: Instantiation, options: InstantiateOptions): Plan {
  const problems: PlanProblem[] = [];
  const rules = inst.models ?? [];
  const patterns = rules.map((r) => (r.match ? globToRegExp(r.match) : null));

  const groups = (inst.partition ?? single)(system);
  const instanceOf = new Int32Array(system.components.length).fill(-1);
  groups.forEach((g, gi) => {
    for (const id of g.components) {
      if (instanceOf[id] !== -1) problems.push({ where: system.pathOf(id), message: `is in two instances, ${groups[instanceOf[id]!]!.name} and ${g.name}` });
      else instanceOf[id] = gi;
    }
  });

  const components: Plan['components'] = [];
  for (const c of system.components) {
    if (instanceOf[c.id] === -1) problems.push({ where: c.path, message: 'is in no instance; the partition must place every component' });
    const model = chooseModel(c, rules, patterns);
    const cls = model === undefined ? undefined : registry.get(model);
    if (model === undefined) {
      problems.push({ where: c.path, message: `no model chosen for kind "${c.kind}"; add a model rule (models: [{ kind: '${c.kind}', model: '…' }])` });
    } else if (!cls) {
      problems.push({ where: c.path, message: `model "${model}" is not installed (installed: ${[...registry.keys()].join(', ')})` });
    } else if (!cls.spec.kinds.includes(c.kind)) {
      problems.push({ where: c.path, message: `model "${model}" simulates ${cls.spec.kinds.join(', ')}, not "${c.kind}"` });
    }
    let params: Record<string, unknown> = c.params;
    if (cls && cls.spec.kinds.includes(c.kind)) {
      const parsed = cls.spec.params.safeParse(c.params);
      if (parsed.success) params = parsed.data as Record<string, unknown>;
      else for (const issue of parsed.error.issues) problems.push({ where: `${c.path}.${issue.path.join('.') || '(params)'}`, message: issue.message });
    }
    components.push({ id: c.id, path: c.path, kind: c.kind, model: model ?? '', params, instance: Math.max(0, instanceOf[c.id]!) });
  }

  for (const l of system.links) {
    for (const end of [l.a, l.b]) {
      const comp = components[end.component];
      const cls = comp && registry.get(comp.model);
      if (cls && !cls.spec.ports.includes(end.port)) {
        problems.push({ where: `${comp.path}.${end.port}`, message: `model ${comp.model} has no port "${end.port}" (ports: ${cls.spec.ports.join(', ')})` });
      }
    }
  }

  const defaultSync = inst.syncInterval === undefined ? Infinity : parseTime(inst.syncInterval, 'syncInterval');
  const channels: PlanChannel[] = [];
  const channelOf = new Map<string, PlanChannel>();
  const links: PlanLink[] = system.links.map((l) => {
    const ia = instanceOf[l.a.component]!;
    const ib = instanceOf[l.b.component]!;
    let channel: number | null = null;
    if (ia !== ib && ia >= 0 && ib >= 0) {
      const name = `${system.pathOf(l.a.component)}.${l.a.port} ↔ ${system.pathOf(l.b.component)}.${l.b.port}`;
      if (l.noCut) problems.push({ where: `link ${name}`, message: `is marked noCut but the partition puts its ends in ${groups[ia]!.name} and ${groups[ib]!.name}; put both ends in one instance` });
      if (l.latency === 0) problems.push({ where: `link ${name}`, message: `has zero latency, so it cannot be cut (no lookahead); put both ends in one instance or give it a latency` });
      const lo = Math.min(ia, ib);
      const hi = Math.max(ia, ib);
      const key = `${lo}:${hi}`;
      let ch = channelOf.get(key);
      if (!ch) {
        ch = { id: channels.length, name: `${groups[lo]!.name}↔${groups[hi]!.name}`, a: lo, b: hi, links: [], lookahead: l.latency, syncInterval: 0 };
        channels.push(ch);
        channelOf.set(key, ch);
      }
      ch.links.push(l.id);
      ch.lookahead = Math.min(ch.lookahead, l.latency);
      channel = ch.id;
    }
    const link: PlanLink = { id: l.id, a: { ...l.a }, b: { ...l.b }, latency: l.latency, noCut: l.noCut, channel };
    if (l.bandwidth !== undefined) link.bandwidth = l.bandwidth;
    return link;
  });
  for (const ch of channels) ch.syncInterval = Math.min(defaultSync, ch.lookahead);

  const placementOf = (name: string, index: number): Placement => {
    const p = inst.placement ?? 'thread';
    return typeof p === 'function' ? p({ name, index }) : { kind: p };
  };
  const instances = groups.map((g, i) => ({ id: i, name: g.name, components: [...g.components].sort((x, y) => x - y), placement: placementOf(g.name, i) }));

  if (problems.length > 0) throw new PlanError(problems);
  return planSchema.parse({ version: 1, config: options.config, instantiation: options.instantiation, seed: options.seed, components, links, instances, channels });
}
