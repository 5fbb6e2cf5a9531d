import {
  currentCandidate, nameGroups, predict, proposeGroups, type Candidate, type CandidateGroup, type Machine, type Prediction, type PredictOptions, type RunCosts,
} from '@splitsim/profiler';

/**
 * The partitions `splitsim tune` considers after a measured run, each priced by the cost model
 * from that run's costs:
 * - rebalance proposals for every instance count from 1 to 2 × cores;
 * - the measured partition with its busiest instance split in two (the rest kept);
 * - the measured partition with its two least busy neighbouring instances merged;
 * - the measured partition in the other placement (threads ↔ processes).
 */
export interface Proposed {
  candidate: Candidate;
  prediction: Prediction;
  /** How it came about, for the table. */
  how: string;
}

export function proposeCandidates(costs: RunCosts, cores: number, machine: Machine, options: PredictOptions = {}): Proposed[] {
  const out: Proposed[] = [];
  const add = (candidate: Candidate, how: string) => out.push({ candidate, prediction: predict(costs, candidate, machine, cores, options), how });
  const maxK = Math.max(2, 2 * cores);
  for (let k = 1; k <= maxK && k <= costs.components.length; k++) {
    const groups = proposeGroups(costs, k, cores, machine, 'thread');
    const names = nameGroups(costs, groups);
    add({ name: `rebalance${groups.length}`, groups: groups.map((g, i) => ({ name: names[i]!, components: g, placement: 'thread' })) }, `rebalance into ${k}`);
  }
  const current = currentCandidate(costs);
  const priced = predict(costs, current, machine, cores, options);
  // Split the busiest instance of the measured partition.
  const busiest = [...priced.instances].sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1))[0];
  const target = current.groups.find((g) => g.name === busiest?.name);
  if (target && target.components.length > 1) {
    const parts = proposeGroups(costs, 2, 2, machine, target.placement, new Set(target.components));
    if (parts.length === 2) {
      const groups: CandidateGroup[] = current.groups.flatMap((g) =>
        g === target ? parts.map((p, i) => ({ name: `${g.name}.${i}`, components: p, placement: g.placement })) : [g],
      );
      add({ name: `split-${target.name}`, groups }, `split ${target.name}`);
    }
  }
  // Merge the two least busy instances that share a channel.
  if (current.groups.length > 1) {
    const instOf = new Map<number, number>();
    current.groups.forEach((g, i) => g.components.forEach((id) => instOf.set(id, i)));
    const neighbours = new Set<string>();
    for (const l of costs.links) {
      const a = instOf.get(l.a)!;
      const b = instOf.get(l.b)!;
      if (a !== b) neighbours.add(a < b ? `${a},${b}` : `${b},${a}`);
    }
    let best: [number, number] | null = null;
    let bestLoad = Infinity;
    for (const key of [...neighbours].sort()) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      const load = priced.instances[a]!.total + priced.instances[b]!.total;
      if (load < bestLoad) {
        bestLoad = load;
        best = [a, b];
      }
    }
    if (best) {
      const [a, b] = best;
      const merged: CandidateGroup = { name: `${current.groups[a]!.name}+${current.groups[b]!.name}`, components: [...current.groups[a]!.components, ...current.groups[b]!.components].sort((x, y) => x - y), placement: current.groups[a]!.placement };
      add({ name: `merge-${merged.name}`, groups: current.groups.flatMap((g, i) => (i === a ? [merged] : i === b ? [] : [g])) }, `merge ${current.groups[a]!.name} and ${current.groups[b]!.name}`);
    }
    // The same partition in the other placement.
    const other = current.groups.every((g) => g.placement === 'thread') ? 'process' : 'thread';
    add({ name: `${current.name}-${other}`, groups: current.groups.map((g) => ({ ...g, placement: other })) }, `${current.name} in ${other}es`);
  }
  return out;
}

/** A key that is the same for the same grouping and placement, whatever the names and order. */
export function candidateKey(c: Candidate): string {
  return c.groups
    .map((g) => `${g.placement[0]}:${[...g.components].sort((a, b) => a - b).join(',')}`)
    .sort()
    .join('|');
}
