import { z } from 'zod';
import type { ComponentMetrics } from '@splitsim/kernel';
import type { System } from '@splitsim/system';
import type { Instantiation } from './instantiate.ts';

/**
 * What a config file exports by default (written with defineConfig): a parameterised system
 * builder and named instantiations of it. Parameters come from the schema's defaults, overridden
 * on the command line with `--set key=value`.
 */
export interface Config<P extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  description: string;
  /** Parameters: a strict zod object with defaults; none when absent. */
  params: z.ZodType<P>;
  /**
   * Model modules the config's models, kinds, applications and steps come from: files relative
   * to the config (`./router.ts`) or installed packages (`my-models`). The built-in module is
   * always there.
   */
  modules: readonly string[];
  system(params: P): System;
  instantiations: Record<string, (system: System, params: P) => Instantiation>;
  /** The instantiation `splitsim run` uses without --inst; default: the first. */
  defaultInstantiation: string;
  /** Run defaults: end time ("10s") and seed; the command line overrides them. */
  run?: { until?: string; seed?: number };
  /**
   * Headline figures of a finished run, printed by `splitsim run` and put in report.html, with
   * the theory they should match where there is one. `metrics` holds every component's
   * statistics (see docs/metrics.md): counters are numbers, tallies { count, mean, variance,
   * min, max }, times in picoseconds.
   */
  summary?(metrics: ComponentMetrics[], params: P): Figure[];
}

/** What defineConfig takes: a Config whose description, params, modules and default instantiation may be left out. */
export type ConfigInput<P extends Record<string, unknown>> = Omit<Config<P>, 'description' | 'params' | 'modules' | 'defaultInstantiation'> &
  Partial<Pick<Config<P>, 'description' | 'params' | 'modules' | 'defaultInstantiation'>>;

export interface Figure {
  name: string;
  value: number;
  /** What theory (or a published table) says it should be. */
  expected?: number;
  unit?: string;
}

export function defineConfig<P extends Record<string, unknown> = Record<string, never>>(config: ConfigInput<P>): Config<P> {
  return {
    ...config,
    description: config.description ?? '',
    params: config.params ?? (z.object({}).strict() as unknown as z.ZodType<P>),
    modules: config.modules ?? [],
    defaultInstantiation: config.defaultInstantiation ?? Object.keys(config.instantiations ?? {})[0] ?? '',
  };
}

/**
 * One statistic of one component, for summary(): `statistic(metrics, 'server', 'response')` is
 * the server's response-time tally ({ count, mean, variance, min, max }, in ps); a counter is a
 * number. Throws, naming what exists, when the component or the statistic is not there.
 */
export function statistic<T = number>(metrics: readonly ComponentMetrics[], path: string, name: string): T {
  const m = metrics.find((x) => x.path === path);
  if (!m) throw new Error(`summary: no component "${path}" in the metrics`);
  if (!(name in m.stats)) throw new Error(`summary: ${path} (${m.model}) has no statistic "${name}" (it has ${Object.keys(m.stats).join(', ') || 'none'})`);
  return m.stats[name] as T;
}
