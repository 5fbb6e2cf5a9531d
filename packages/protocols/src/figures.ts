import type { ComponentMetrics } from 'splitsim';

/** A tally as metrics.json holds it. */
export interface TallyJson {
  count: number;
  mean: number;
  variance: number;
  min: number;
  max: number;
}

/**
 * Pools one tally over several components (those whose path passes `match`), as if one tally
 * had seen every observation: counts add, means weigh by count, variances combine (Chan et al.).
 */
export function pooled(metrics: readonly ComponentMetrics[], match: (path: string) => boolean, name: string): TallyJson {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const m of metrics) {
    const t = m.stats[name] as TallyJson | undefined;
    if (!match(m.path) || !t || t.count === 0) continue;
    const n = count + t.count;
    const d = t.mean - mean;
    m2 += t.variance * (t.count - 1) + d * d * ((count * t.count) / n);
    mean += d * (t.count / n);
    count = n;
    min = Math.min(min, t.min);
    max = Math.max(max, t.max);
  }
  return { count, mean, variance: count > 1 ? m2 / (count - 1) : 0, min, max };
}

/** The sum of one counter over the components whose path passes `match`. */
export function total(metrics: readonly ComponentMetrics[], match: (path: string) => boolean, name: string): number {
  let s = 0;
  for (const m of metrics) if (match(m.path) && typeof m.stats[name] === 'number') s += m.stats[name] as number;
  return s;
}
