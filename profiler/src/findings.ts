import type { InstanceFigures } from './metrics.ts';

/**
 * Who holds the run back and who idles. A bottleneck instance has work for all of its wall time,
 * so it hardly waits, while the instances it feeds wait for its promises: the lowest wait share
 * marks it, and its neighbours' edges toward it confirm it. Wait shares that all lie close together
 * mean no instance stands out (a balanced partition), and then nothing is named.
 */
export interface FindingsOptions {
  /** Smallest spread (largest minus smallest wait share) that counts as an outlier. Default 0.15. */
  balanceThreshold?: number;
  /** Instances within this fraction of the spread of the lowest (highest) wait share are named with it. Default 0.2. */
  closeness?: number;
}

export interface NeighbourWait {
  neighbour: string;
  /** Share of the neighbour's wall time spent waiting for the bottleneck. */
  waitShare: number;
  /** Whether this is the neighbour's largest edge: it waits for the bottleneck more than for anyone else. */
  largest: boolean;
}

export interface Findings {
  /** Whether no instance stands out; with one instance, trivially true. */
  balanced: boolean;
  /** Largest minus smallest wait share. */
  spread: number;
  /** Lowest wait share first. Empty when balanced. */
  bottlenecks: string[];
  /** Highest wait share first, no bottleneck among them. Empty when balanced. */
  idle: string[];
  /** For each bottleneck, the instances that wait on it, most waiting first. */
  waitingOn: Record<string, NeighbourWait[]>;
}

export const DEFAULT_BALANCE_THRESHOLD = 0.15;
export const DEFAULT_CLOSENESS = 0.2;

/** Wait shares of `inst` per peer; two channels to one peer (not made by today's planner) add up. */
export function waitByPeer(inst: InstanceFigures): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of inst.channels) m.set(c.peer, (m.get(c.peer) ?? 0) + c.waitShare);
  return m;
}

export function findBottlenecks(instances: InstanceFigures[], options: FindingsOptions = {}): Findings {
  const threshold = options.balanceThreshold ?? DEFAULT_BALANCE_THRESHOLD;
  const closeness = options.closeness ?? DEFAULT_CLOSENESS;
  const shares = instances.map((i) => i.waitShare);
  const min = Math.min(...shares);
  const max = Math.max(...shares);
  const spread = instances.length > 0 ? max - min : 0;
  if (instances.length < 2 || spread < threshold) return { balanced: true, spread, bottlenecks: [], idle: [], waitingOn: {} };
  const near = closeness * spread;
  const bottlenecks = instances.filter((i) => i.waitShare - min <= near).sort((a, b) => a.waitShare - b.waitShare || a.instance.localeCompare(b.instance));
  const named = new Set(bottlenecks.map((i) => i.instance));
  const idle = instances.filter((i) => !named.has(i.instance) && max - i.waitShare <= near).sort((a, b) => b.waitShare - a.waitShare || a.instance.localeCompare(b.instance));
  const waitingOn: Record<string, NeighbourWait[]> = {};
  for (const b of bottlenecks) {
    const list: NeighbourWait[] = [];
    for (const other of instances) {
      const byPeer = waitByPeer(other);
      const share = byPeer.get(b.instance);
      if (share === undefined) continue;
      const largest = [...byPeer.values()].every((s) => s <= share);
      list.push({ neighbour: other.instance, waitShare: share, largest });
    }
    waitingOn[b.instance] = list.sort((x, y) => y.waitShare - x.waitShare || x.neighbour.localeCompare(y.neighbour));
  }
  return { balanced: false, spread, bottlenecks: bottlenecks.map((i) => i.instance), idle: idle.map((i) => i.instance), waitingOn };
}
