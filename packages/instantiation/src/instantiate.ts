import type { System } from '@splitsim/system';
import { installedModels, type ModelCatalog } from './catalog.ts';
import { buildChannels, type SyncChoice } from './channels.ts';
import { checkModels, checkPorts, chooseModels, type ModelRule } from './models.ts';
import { single } from './partitions/basic.ts';
import type { Group, PartitionFn } from './partitions/types.ts';
import { place, type PlacementChoice } from './placement.ts';
import { planSchema, type Plan } from './plan.ts';
import { PlanError, someOf, type PlanProblem } from './problems.ts';

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
  /** The models to choose from; default: every installed model (@splitsim/models). */
  models?: ModelCatalog;
}

/**
 * Resolves an instantiation of a system into a validated plan, or throws a PlanError with every
 * problem at once: in the system (kinds, parameters, ports, links), the model choice, the
 * partition, the cut links, the sync intervals and the placement.
 */
export function instantiate(system: System, inst: Instantiation, options: InstantiateOptions): Plan {
  const catalog = options.models ?? installedModels;
  const resolved = system.resolve();
  const problems: PlanProblem[] = [...resolved.problems];

  const chosen = chooseModels(system, inst.models ?? [], catalog, problems);
  const params = checkModels(system, resolved, chosen, catalog, problems);
  checkPorts(system, chosen, catalog, problems);

  const groups = (inst.partition ?? single)(system, { problem: (where, message) => problems.push({ where, message }) });
  const instanceOf = assign(system, groups, problems);
  const { links, channels } = buildChannels(system, groups, instanceOf, resolved.linkKinds, inst.syncInterval, problems);
  const placements = place(groups, inst.placement, problems);

  if (problems.length > 0) throw new PlanError(problems);
  const components = system.components.map((c) => ({ id: c.id, path: c.path, kind: c.kind, model: chosen[c.id]!, params: params[c.id]!, instance: instanceOf[c.id]! }));
  const instances = groups.map((g, i) => ({ id: i, name: g.name, components: [...g.components].sort((x, y) => x - y), placement: placements[i]! }));
  return planSchema.parse({ version: 1, config: options.config, system: system.name, instantiation: options.instantiation, seed: options.seed, components, links, instances, channels });
}

/** The instance of each component; every component must be in exactly one, names unique. */
function assign(system: System, groups: readonly Group[], problems: PlanProblem[]): Int32Array {
  const n = system.components.length;
  const instanceOf = new Int32Array(n).fill(-1);
  const names = new Set<string>();
  groups.forEach((g, gi) => {
    if (typeof g.name !== 'string' || g.name.length === 0) problems.push({ where: `instance ${gi}`, message: 'has no name; the partition must name every group' });
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
