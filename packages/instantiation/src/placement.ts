import { placementSchema, type Placement } from './plan.ts';
import type { Group } from './partitions/types.ts';
import type { PlanProblem } from './problems.ts';

/** What a placement choice sees of an instance. */
export interface InstanceInfo {
  name: string;
  index: number;
  components: readonly number[];
}

/**
 * Where instances run: one kind for all ('thread', 'process'), one placement for all
 * ({ kind: 'remote', runner: 'rack-a' }), or a choice per instance.
 */
export type PlacementChoice = Placement['kind'] | Placement | ((instance: InstanceInfo) => Placement | Placement['kind']);

export function thread(): Placement {
  return { kind: 'thread' };
}

export function childProcess(): Placement {
  return { kind: 'process' };
}

/** On the named remote runner (see the runner list given to `splitsim run`). */
export function remote(runner: string): Placement {
  return { kind: 'remote', runner };
}

/** The placement of each group; a remote placement must name its runner, others must not. */
export function place(groups: readonly Group[], choice: PlacementChoice | undefined, problems: PlanProblem[]): Placement[] {
  return groups.map((g, index) => {
    const where = `instance ${g.name}`;
    let p: unknown;
    try {
      p = typeof choice === 'function' ? choice({ name: g.name, index, components: g.components }) : (choice ?? 'thread');
    } catch (err) {
      problems.push({ where, message: `placement() failed: ${(err as Error)?.message ?? 'error'}` });
      return thread();
    }
    const parsed = placementSchema.safeParse(typeof p === 'string' ? { kind: p } : p);
    if (!parsed.success) {
      problems.push({ where, message: `placement must be 'thread', 'process' or { kind: 'remote', runner: 'name' }, got ${describe(p)}` });
      return thread();
    }
    const placement = parsed.data;
    if (placement.kind === 'remote' && !placement.runner) problems.push({ where, message: "is placed on a remote runner without a name; write { kind: 'remote', runner: 'name' }" });
    if (placement.kind !== 'remote' && placement.runner !== undefined) problems.push({ where, message: `names runner "${placement.runner}" but is placed in a ${placement.kind}; use { kind: 'remote', runner: '${placement.runner}' }` });
    return placement;
  });
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
