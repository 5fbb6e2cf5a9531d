import type { Group, PartitionFn } from './instantiate.ts';

/** n instances, components dealt out in contiguous id ranges of (nearly) equal size. */
export function linear(n: number): PartitionFn {
  return (system) => {
    const total = system.components.length;
    const groups: Group[] = Array.from({ length: n }, (_, i) => ({ name: `i${i}`, components: [] }));
    for (const c of system.components) groups[Math.min(n - 1, Math.floor((c.id * n) / total))]!.components.push(c.id);
    return groups.filter((g) => g.components.length > 0);
  };
}

/** n instances, component i in instance i mod n. */
export function roundRobin(n: number): PartitionFn {
  return (system) => {
    const groups: Group[] = Array.from({ length: n }, (_, i) => ({ name: `i${i}`, components: [] }));
    for (const c of system.components) groups[c.id % n]!.components.push(c.id);
    return groups.filter((g) => g.components.length > 0);
  };
}
