import type { z } from 'zod';
import type { ComponentMetrics } from '@splitsim/kernel';
import type { System } from '@splitsim/system';
import type { Instantiation } from './instantiate.ts';

/**
 * What a `configs/<name>.ts` file exports by default: a parameterised system builder and named
 * instantiations of it. Parameters come from the schema's defaults, overridden on the command
 * line with `--set key=value`.
 */
export interface Config<P extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  description: string;
  params: z.ZodType<P>;
  system(params: P): System;
  instantiations: Record<string, (system: System, params: P) => Instantiation>;
  defaultInstantiation: string;
  /** Run defaults: end time ("10s") and seed; the command line overrides them. */
  run?: { until?: string; seed?: number };
  /** Headline figures of a finished run, with the theory they should match where there is one. */
  summary?(metrics: ComponentMetrics[], params: P): Figure[];
}

export interface Figure {
  name: string;
  value: number;
  /** What theory (or a published table) says it should be. */
  expected?: number;
  unit?: string;
}

export function defineConfig<P extends Record<string, unknown>>(config: Config<P>): Config<P> {
  return config;
}
