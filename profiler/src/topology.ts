import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ProfileError } from './errors.ts';

/**
 * The component graph of a run, as plan.json states it: what a repartition moves (components,
 * named by path) and what it must respect (links that may not be cut). Read as plain JSON; only
 * the fields named here, so the profiler still imports nothing from the packages that wrote it.
 */
export interface Topology {
  config: string;
  instantiation: string;
  components: { id: number; path: string; kind: string; model: string }[];
  links: { id: number; a: number; b: number; latency: number; noCut: boolean; silent: 'a' | 'b' | 'both' | null }[];
  /** The run's partition: instance name, component ids and placement, in plan order. */
  instances: { name: string; components: number[]; placement: string }[];
}

const schema = z.object({
  config: z.string(),
  instantiation: z.string(),
  components: z.array(z.object({ id: z.number().int().nonnegative(), path: z.string(), kind: z.string(), model: z.string() })),
  links: z.array(
    z.object({
      id: z.number().int().nonnegative(),
      a: z.object({ component: z.number().int() }),
      b: z.object({ component: z.number().int() }),
      latency: z.number().nonnegative(),
      noCut: z.boolean(),
      silent: z.enum(['a', 'b', 'both']).optional(),
    }),
  ),
  instances: z.array(z.object({ name: z.string(), components: z.array(z.number().int()), placement: z.object({ kind: z.string() }) })),
});

/** Reads plan.json of a run directory; a ProfileError names the file when it is missing or bad. */
export function readTopology(dir: string): Topology {
  const file = join(dir, 'plan.json');
  if (!existsSync(file)) throw new ProfileError([{ code: 'E_PROFILE_MISSING', file, message: 'no plan.json: repartitioning needs the run\'s components and links' }]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError([{ code: 'E_PROFILE_MISMATCH', file, message: `not JSON: ${(err as Error).message}` }]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ProfileError(parsed.error.issues.map((i) => ({ code: 'E_PROFILE_MISMATCH' as const, file, message: `${i.path.join('.')}: ${i.message}` })));
  const p = parsed.data;
  const problems = p.components.flatMap((c, i) => (c.id === i ? [] : [{ code: 'E_PROFILE_MISMATCH' as const, file, message: `components.${i}: id ${c.id}; ids must be the positions 0, 1, 2, …` }]));
  if (problems.length > 0) throw new ProfileError(problems);
  return {
    config: p.config,
    instantiation: p.instantiation,
    components: p.components.map((c) => ({ id: c.id, path: c.path, kind: c.kind, model: c.model })),
    links: p.links.map((l) => ({ id: l.id, a: l.a.component, b: l.b.component, latency: l.latency, noCut: l.noCut, silent: l.silent ?? null })),
    instances: p.instances.map((i) => ({ name: i.name, components: i.components, placement: i.placement.kind })),
  };
}
