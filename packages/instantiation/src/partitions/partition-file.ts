import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { SplitSimError } from '@splitsim/kernel';
import { fieldPath } from '@splitsim/system';
import { globToRegExp } from '../glob.ts';
import type { Placement } from '../plan.ts';
import { PlanError, type PlanProblem } from '../problems.ts';
import { report } from './basic.ts';
import type { Group, PartitionFn } from './types.ts';

/**
 * A partition kept in a file (written by `splitsim rebalance` and `splitsim tune`, or by hand):
 * JSON naming each instance's components by path globs (`block0/**`, `core`) and id ranges
 * (`"0-15"`, `17`), and where the instance runs. `--partition-file <file>` puts it in place of an
 * instantiation's partition and placement; the models stay the instantiation's. Ids are exact;
 * a pattern takes the components no id list and no earlier instance took, in file order, like
 * `manual`. docs/tuning.md describes the format.
 */
const idEntry = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+-\d+$/, 'an id range is "first-last", e.g. "0-15"')]);

export const partitionFileSchema = z
  .object({
    splitsim: z.literal('partition'),
    version: z.literal(1),
    system: z.object({ config: z.string(), components: z.number().int().nonnegative() }).strict(),
    made: z.string().optional(),
    predicted: z.object({ speed: z.number().nonnegative(), cores: z.number().int().positive() }).strict().optional(),
    instances: z
      .array(
        z
          .object({
            name: z.string().min(1),
            placement: z.enum(['thread', 'process']).default('thread'),
            components: z.array(z.string().min(1)).default([]),
            ids: z.array(idEntry).default([]),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type PartitionFile = z.output<typeof partitionFileSchema>;

/** Reads and checks a partition file's shape; every problem names the file and the field. */
export function readPartitionFile(file: string): PartitionFile {
  if (!existsSync(file)) throw new SplitSimError('E_CONFIG', `--partition-file ${file}: no such file`, { file });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SplitSimError('E_CONFIG', `${file}: not JSON: ${(err as Error).message}`, { file });
  }
  const parsed = partitionFileSchema.safeParse(json);
  if (!parsed.success) throw new PlanError(parsed.error.issues.map((i) => ({ where: `${file} ${fieldPath(i.path) || '(top level)'}`, message: i.message })));
  const names = new Set<string>();
  const problems: PlanProblem[] = [];
  parsed.data.instances.forEach((inst, i) => {
    if (names.has(inst.name)) problems.push({ where: `${file} instances[${i}]`, message: `instance name "${inst.name}" is used twice` });
    names.add(inst.name);
    if (inst.components.length === 0 && inst.ids.length === 0) problems.push({ where: `${file} instances[${i}]`, message: `instance "${inst.name}" names no components` });
  });
  if (problems.length > 0) throw new PlanError(problems);
  return parsed.data;
}

/** The partition a file describes, as a partition function, and the placement of each of its instances. */
export function partitionFromFile(doc: PartitionFile, file: string): { partition: PartitionFn; placement: (i: { name: string }) => Placement['kind'] } {
  const patterns = doc.instances.map((inst) => inst.components.map(globToRegExp));
  const partition: PartitionFn = (system, context) => {
    const problem = (where: string, message: string) => report(context, where, message);
    const n = system.components.length;
    if (doc.system.components !== n) {
      problem(file, `was made for a system of ${doc.system.components} components (${doc.system.config}); this one has ${n}: make it again for this system (same parameters)`);
      return [{ name: 'all', components: system.components.map((c) => c.id) }];
    }
    const at = new Int32Array(n).fill(-1);
    doc.instances.forEach((inst, i) => {
      for (const entry of inst.ids) {
        const [lo, hi] = typeof entry === 'number' ? [entry, entry] : entry.split('-').map(Number) as [number, number];
        if (hi < lo || hi >= n) {
          problem(`${file} instance ${inst.name}`, `ids ${JSON.stringify(entry)}: ${hi < lo ? 'the range runs backwards' : `the system has ids 0 to ${n - 1}`}`);
          continue;
        }
        for (let id = lo; id <= hi; id++) {
          if (at[id] !== -1 && at[id] !== i) problem(`${file} instance ${inst.name}`, `component ${id} (${system.pathOf(id)}) is also in instance ${doc.instances[at[id]!]!.name}`);
          else at[id] = i;
        }
      }
    });
    const used = patterns.map((ps) => ps.map(() => false));
    for (const c of system.components) {
      if (at[c.id] !== -1) continue;
      for (let i = 0; i < patterns.length && at[c.id] === -1; i++) {
        patterns[i]!.forEach((p, j) => {
          if (p.test(c.path)) {
            used[i]![j] = true;
            at[c.id] = i;
          }
        });
      }
    }
    doc.instances.forEach((inst, i) =>
      inst.components.forEach((g, j) => {
        if (!used[i]![j]) problem(`${file} instance ${inst.name}`, `pattern "${g}" matches no component (or only components ids or an earlier instance took)`);
      }),
    );
    const groups: Group[] = doc.instances.map((inst) => ({ name: inst.name, components: [] }));
    for (let id = 0; id < n; id++) if (at[id]! >= 0) groups[at[id]!]!.components.push(id);
    // Components left out are reported by instantiate, which names them.
    return groups.filter((g) => g.components.length > 0);
  };
  const placementOf = new Map(doc.instances.map((i) => [i.name, i.placement]));
  return { partition, placement: (i) => placementOf.get(i.name) ?? 'thread' };
}
