import { SplitSimError } from '@splitsim/kernel';
import { globToRegExp } from '../glob.ts';
import type { Group, PartitionContext, PartitionFn } from './types.ts';

/** Reports a problem through the context, or throws when a strategy is called on its own. */
export function report(context: PartitionContext | undefined, where: string, message: string): void {
  if (context) context.problem(where, message);
  else throw new SplitSimError('E_CONFIG', `${where}: ${message}`, { where });
}

/** A positive whole count, or a problem naming the strategy. */
function countOk(n: number, strategy: string, context: PartitionContext | undefined): boolean {
  if (Number.isSafeInteger(n) && n > 0) return true;
  report(context, `partition ${strategy}`, `needs a positive whole number of instances, got ${JSON.stringify(n)}`);
  return false;
}

/** Everything in one instance, `all`. */
export const single: PartitionFn = (system) => [{ name: 'all', components: system.components.map((c) => c.id) }];

/** n instances, components dealt out in contiguous id ranges of (nearly) equal size. */
export function linear(n: number): PartitionFn {
  return (system, context) => {
    if (!countOk(n, `linear(${n})`, context)) return single(system);
    const total = system.components.length;
    const groups: Group[] = Array.from({ length: n }, (_, i) => ({ name: `i${i}`, components: [] }));
    for (const c of system.components) groups[Math.min(n - 1, Math.floor((c.id * n) / total))]!.components.push(c.id);
    return groups.filter((g) => g.components.length > 0);
  };
}

/** n instances, component i in instance i mod n. */
export function roundRobin(n: number): PartitionFn {
  return (system, context) => {
    if (!countOk(n, `roundRobin(${n})`, context)) return single(system);
    const groups: Group[] = Array.from({ length: n }, (_, i) => ({ name: `i${i}`, components: [] }));
    for (const c of system.components) groups[c.id % n]!.components.push(c.id);
    return groups.filter((g) => g.components.length > 0);
  };
}

export interface ManualOptions {
  /** The instance that takes every component no glob matches; without it they are problems. */
  rest?: string;
}

/**
 * Instances named by hand, each with glob patterns over component paths (`*` within a segment,
 * `**` across). A component goes to the first instance with a matching pattern, in the order
 * the instances are written. A pattern that matches nothing is a problem (usually a typo).
 */
export function manual(instances: Record<string, string | readonly string[]>, options: ManualOptions = {}): PartitionFn {
  const entries = Object.entries(instances).map(([name, globs]) => {
    const list = typeof globs === 'string' ? [globs] : [...globs];
    return { name, globs: list, patterns: list.map(globToRegExp) };
  });
  return (system, context) => {
    const groups: Group[] = entries.map((e) => ({ name: e.name, components: [] }));
    const used = entries.map((e) => e.patterns.map(() => false));
    const rest: Group | undefined = options.rest === undefined ? undefined : { name: options.rest, components: [] };
    for (const c of system.components) {
      let placed = false;
      for (let i = 0; i < entries.length && !placed; i++) {
        entries[i]!.patterns.forEach((p, j) => {
          if (p.test(c.path)) used[i]![j] = placed = true;
        });
        if (placed) groups[i]!.components.push(c.id);
      }
      if (!placed) rest?.components.push(c.id);
    }
    entries.forEach((e, i) =>
      e.globs.forEach((g, j) => {
        if (!used[i]![j]) report(context, `partition manual, instance ${e.name}`, `pattern "${g}" matches no component (or only components an earlier instance took); fix or drop it`);
      }),
    );
    return [...groups, ...(rest ? [rest] : [])].filter((g) => g.components.length > 0);
  };
}
