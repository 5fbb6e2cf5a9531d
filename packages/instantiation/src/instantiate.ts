import type { System } from '@splitsim/system';
import { builtinCatalog } from './builtin-catalog.ts';
import { systemExtensions, type Catalog } from './catalog.ts';
import { buildChannels, type SyncChoice } from './channels.ts';
import { externalFaultProblems, resolveFaults } from './faults.ts';
import { checkModels, checkPorts, chooseModels, type ModelRule } from './models.ts';
import { single } from './partitions/basic.ts';
import type { Group, PartitionFn } from './partitions/types.ts';
import { checkExternalModels, place, type PlacementChoice } from './placement.ts';
import { planSchema, type Plan } from './plan.ts';
import { INSTANCE_NAME } from './plan-io.ts';
import { PlanError, someOf, type PlanProblem } from './problems.ts';
import { runSteps } from './steps.ts';

/** How one system is simulated: models, partition, placement, sync. */
export interface Instantiation {
  /** One line for `splitsim plan --list`. */
  description?: string;
  models?: ModelRule[];
  /** Default: everything in one instance. */
  partition?: PartitionFn;
  /** Default: every instance in a worker thread. */
  placement?: PlacementChoice;
  /** Longest silence on a channel before a sync message; default and maximum: its lookahead. */
  syncInterval?: SyncChoice;
}

export interface InstantiateOptions {
  config: string;
  instantiation: string;
  seed: number;
  /** The models, kinds, applications and steps to use; default: the built-in model module alone. */
  catalog?: Catalog;
}

/**
 * Resolves an instantiation of a system into a validated plan, or throws a PlanError with every
 * problem at once: in the system (kinds, parameters, applications, ports, links), the model
 * choice, what the steps derive (routes), the partition, the cut links, the sync intervals and
 * the placement. The system is not changed.
 */
export function instantiate(system: System, inst: Instantiation, options: InstantiateOptions): Plan {
  const catalog = options.catalog ?? builtinCatalog();
  const problems: PlanProblem[] = [];
  if (typeof inst !== 'object' || inst === null) {
    throw new PlanError([{ where: `instantiation ${options.instantiation}`, message: `must return an object such as { models, partition, placement }, got ${inst === null ? 'null' : typeof inst}` }]);
  }
  const resolved = system.resolve(systemExtensions(catalog));
  problems.push(...resolved.problems);

  const rules = inst.models ?? [];
  if (!Array.isArray(rules)) problems.push({ where: `instantiation ${options.instantiation}`, message: `models must be an array of rules such as [{ kind: 'host', model: 'host.protocol' }], got ${typeof rules}` });
  const chosen = chooseModels(system, Array.isArray(rules) ? rules : [], catalog.models, problems);
  const derived = runSteps(system, resolved.params, chosen, catalog, problems);
  const withDerived = resolved.params.map((p, id) => {
    const add = derived.params.get(id);
    return add ? { ...p, ...add } : p;
  });
  // Models are checked against what the steps derive: without it (a link that could not be read)
  // every model would lack its routes, which says nothing the link's own problem does not.
  const params = derived.skipped ? withDerived : checkModels(system, { ...resolved, params: withDerived }, chosen, catalog.models, problems);
  checkPorts(system, chosen, catalog.models, problems);
  const faults = resolveFaults(system, chosen, catalog.models, options.seed, problems);

  const groups = partition(system, inst.partition ?? single, options.instantiation, problems);
  if (groups === null) throw new PlanError(problems);
  const instanceOf = assign(system, groups, problems);
  const { links, channels } = buildChannels(system, groups, instanceOf, resolved.linkKinds, derived.silent, inst.syncInterval, problems);
  const placements = place(groups, inst.placement, problems);
  checkExternalModels(system.components.map((c) => ({ path: c.path, model: chosen[c.id], instance: instanceOf[c.id]! })), groups, placements, catalog.models, problems);
  externalFaultProblems(system, faults, instanceOf, placements, problems);

  if (problems.length > 0) throw new PlanError(problems);
  const components = system.components.map((c) => ({ id: c.id, path: c.path, kind: c.kind, model: chosen[c.id]!, params: withoutUndefined(params[c.id]!), instance: instanceOf[c.id]! }));
  const instances = groups.map((g, i) => ({ id: i, name: g.name, components: [...g.components].sort((x, y) => x - y), placement: placements[i]! }));
  const models = [...new Set(chosen as string[])].map((name) => ({ name, module: catalog.models.get(name)!.module }));
  const modules = catalog.modules.map((m) => ({ ...m }));
  return planSchema.parse({ version: 2, config: options.config, system: system.name, instantiation: options.instantiation, seed: options.seed, modules, models, components, links, instances, channels, ...(faults ? { faults } : {}) });
}

/** The partition's groups; null (and a problem) when it throws or returns something else. */
function partition(system: System, fn: PartitionFn, name: string, problems: PlanProblem[]): Group[] | null {
  const where = `instantiation ${name}`;
  if (typeof fn !== 'function') {
    problems.push({ where, message: `partition must be a function such as manual({ … }) or linear(4), got ${typeof fn}` });
    return null;
  }
  let groups: unknown;
  try {
    groups = fn(system, { problem: (w, message) => problems.push({ where: w, message }) });
  } catch (err) {
    problems.push({ where, message: `partition failed: ${(err as Error)?.message ?? String(err)}` });
    return null;
  }
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'object' || g === null || !Array.isArray((g as Group).components))) {
    problems.push({ where, message: 'partition must return an array of groups { name, components: [ids] }' });
    return null;
  }
  return groups as Group[];
}

/** The instance of each component; every component must be in exactly one, names unique. */
function assign(system: System, groups: readonly Group[], problems: PlanProblem[]): Int32Array {
  const n = system.components.length;
  const instanceOf = new Int32Array(n).fill(-1);
  const names = new Set<string>();
  groups.forEach((g, gi) => {
    if (typeof g.name !== 'string' || g.name.length === 0) problems.push({ where: `instance ${gi}`, message: 'has no name; the partition must name every group' });
    else if (!INSTANCE_NAME.test(g.name)) problems.push({ where: `instance ${JSON.stringify(g.name)}`, message: 'is not a valid instance name: letters, digits, "_", "-", "+" and "." only, since it names files (profile/<name>.jsonl)' });
    else if (names.has(g.name)) problems.push({ where: `instance ${g.name}`, message: 'is named twice; the partition must give each group its own name' });
    names.add(g.name);
    for (const id of g.components) {
      if (!Number.isInteger(id) || id < 0 || id >= n) problems.push({ where: `instance ${g.name}`, message: `holds component ${JSON.stringify(id)}, which the system does not have` });
      else if (instanceOf[id] !== -1) problems.push({ where: system.pathOf(id), message: `is in two instances, ${groups[instanceOf[id]!]!.name} and ${g.name}; the partition must put it in one` });
      else instanceOf[id] = gi;
    }
  });
  const lost = system.components.filter((c) => instanceOf[c.id] === -1).map((c) => c.path);
  if (lost.length > 0) {
    const what = lost.length === 1 ? 'is in no instance' : `(${lost.length} components) are in no instance`;
    problems.push({ where: someOf(lost), message: `${what}; the partition must place every component (manual: add a pattern or a rest instance)` });
  }
  return instanceOf;
}

/**
 * A plan is data that goes through JSON to every instance: a key whose value is undefined (zod
 * keeps `{ ecnThreshold: undefined }` for an optional field) would vanish on the way, so the
 * plan an instance reads would differ from the one checked here. Drop such keys up front.
 */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
  return out as T;
}
