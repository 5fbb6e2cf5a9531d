import type { System } from '@splitsim/system';
import { report } from './basic.ts';
import { GroupSet, type PartitionFn } from './types.ts';

/**
 * The datacenter strategies of the SplitSim paper, read from the path hierarchy alone:
 * a top-level component (`core`, `core3`, `spine0`) is in the core layer; `<block>/<x>` (an
 * aggregation switch `block2/agg`) is in the aggregation layer of its block; anything deeper,
 * `<block>/<rack>/…` (ToR, hosts, their NICs), is in that rack. The datacenter, fat-tree and
 * leaf-spine builders all name their components this way.
 */
interface Position {
  tier: 0 | 1 | 2;
  block: string;
  rack: string;
}

function position(path: string): Position {
  const s = path.split('/');
  if (s.length === 1) return { tier: 0, block: '', rack: '' };
  if (s.length === 2) return { tier: 1, block: s[0]!, rack: '' };
  return { tier: 2, block: s[0]!, rack: `${s[0]}-${s[1]}` };
}

function positions(system: System): Position[] {
  return system.components.map((c) => position(c.path));
}

/** `s`: the whole system in one instance. */
export const s: PartitionFn = (system) => [{ name: 'all', components: system.components.map((c) => c.id) }];

/** `ab`: one instance per aggregation block; the core joins the first block. */
export const ab: PartitionFn = (system) => {
  const pos = positions(system);
  const first = pos.find((p) => p.tier > 0)?.block ?? 'core';
  const set = new GroupSet();
  pos.forEach((p, id) => set.add(p.tier === 0 ? first : p.block, id));
  return set.groups();
};

/** `ac`: one instance per aggregation block, plus one for the core. */
export const ac: PartitionFn = (system) => {
  const set = new GroupSet();
  positions(system).forEach((p, id) => set.add(p.tier === 0 ? 'core' : p.block, id));
  return set.groups();
};

/** `cr`: the core and aggregation switches in one instance, plus one instance per rack. */
export const cr: PartitionFn = (system) => {
  const set = new GroupSet();
  positions(system).forEach((p, id) => set.add(p.tier < 2 ? 'core' : p.rack, id));
  return set.groups();
};

/** `crK`: the core and aggregation switches in one instance, plus one per K consecutive racks. */
export function crK(k: number): PartitionFn {
  return (system, context) => {
    if (!Number.isSafeInteger(k) || k < 1) {
      report(context, `partition cr${k}`, `needs a positive whole number of racks per instance, got ${JSON.stringify(k)}`);
      return s(system);
    }
    const pos = positions(system);
    const rackIndex = new Map<string, number>();
    for (const p of pos) if (p.tier === 2 && !rackIndex.has(p.rack)) rackIndex.set(p.rack, rackIndex.size);
    const racks = rackIndex.size;
    const name = (chunk: number) => {
      const lo = chunk * k;
      const hi = Math.min(racks, lo + k) - 1;
      return lo === hi ? `racks${lo}` : `racks${lo}-${hi}`;
    };
    const set = new GroupSet();
    pos.forEach((p, id) => set.add(p.tier < 2 ? 'core' : name(Math.floor(rackIndex.get(p.rack)! / k)), id));
    return set.groups();
  };
}

/** `rs`: the core in one instance, each block's aggregation switch in one, each rack in one. */
export const rs: PartitionFn = (system) => {
  const set = new GroupSet();
  positions(system).forEach((p, id) => set.add(p.tier === 0 ? 'core' : p.tier === 1 ? `${p.block}-agg` : p.rack, id));
  return set.groups();
};

/** Fat trees: the core switches in one instance, plus one per pod (the same rule as `ac`). */
export const byPod: PartitionFn = ac;

/** Fat trees: the core switches, each pod's aggregation switches, each rack (the same rule as `rs`). */
export const byRack: PartitionFn = rs;
