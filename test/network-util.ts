/** Helpers for the network tests: instantiate a system with the network models and run it sequentially. */
import type { ComponentMetrics } from '@splitsim/kernel';
import { instantiate, type ModelRule, type PartitionFn } from '@splitsim/instantiation';
import { runSequential } from '@splitsim/runtime';
import type { System } from '@splitsim/system';

export interface NetRun {
  metrics: ComponentMetrics[];
  now: number;
  events: number;
}

/** Instantiates (host.protocol + switch.packet unless rules say otherwise; the network step routes) and runs to `until` ps. */
export function runNetwork(system: System, until: number, options: { seed?: number; models?: ModelRule[]; partition?: PartitionFn } = {}): NetRun {
  const plan = instantiate(system, {
    models: options.models ?? [{ kind: 'host', model: 'host.protocol' }, { kind: 'switch', model: 'switch.packet' }],
    ...(options.partition ? { partition: options.partition } : {}),
  }, { config: system.name, instantiation: 'test', seed: options.seed ?? 1 });
  const { metrics, result } = runSequential(plan, { until });
  return { metrics, now: result.now, events: result.events };
}

/** Sum of a counter statistic over the components whose model is `model` (all when undefined). */
export function total(metrics: ComponentMetrics[], stat: string, model?: string): number {
  let s = 0;
  for (const m of metrics) {
    if (model !== undefined && m.model !== model) continue;
    const v = m.stats[stat];
    if (typeof v === 'number') s += v;
  }
  return s;
}

export function stat<T = Record<string, number>>(metrics: ComponentMetrics[], path: string, name: string): T {
  const m = metrics.find((x) => x.path === path);
  if (!m) throw new Error(`no component ${path}`);
  return m.stats[name] as T;
}
