import type { System } from '@splitsim/system';

/** A group of components that one instance will simulate. */
export interface Group {
  name: string;
  components: number[];
}

/** Where a partition reports a problem with its own options (a glob that matches nothing…). */
export interface PartitionContext {
  problem(where: string, message: string): void;
}

/**
 * Partition strategies are pure functions of the system (and their own options, bound when the
 * strategy is made): the same system gives the same groups.
 */
export type PartitionFn = (system: System, context?: PartitionContext) => Group[];

/** Groups keyed by name, in order of first use: the common shape of path-based strategies. */
export class GroupSet {
  private readonly byName = new Map<string, Group>();

  add(name: string, id: number): void {
    let g = this.byName.get(name);
    if (!g) this.byName.set(name, (g = { name, components: [] }));
    g.components.push(id);
  }

  groups(): Group[] {
    return [...this.byName.values()];
  }
}
