import { parseTime } from '@splitsim/kernel';
import { placementSchema, type Placement } from './plan.ts';
import type { Group } from './partitions/types.ts';
import type { ModelCatalog } from './catalog.ts';
import { someOf, type PlanProblem } from './problems.ts';

/** What a placement choice sees of an instance. */
export interface InstanceInfo {
  name: string;
  index: number;
  components: readonly number[];
}

/**
 * Where instances run: one kind for all ('thread', 'process'), one placement for all
 * ({ kind: 'remote', runner: 'rack-a' }), or a choice per instance.
 */
export type PlacementChoice = Placement['kind'] | Placement | ((instance: InstanceInfo) => Placement | Placement['kind']);

export function thread(): Placement {
  return { kind: 'thread' };
}

export function childProcess(): Placement {
  return { kind: 'process' };
}

/** On the named remote runner (see the runner list given to `splitsim run`). */
export function remote(runner: string): Placement {
  return { kind: 'remote', runner };
}

export interface ExternalOptions {
  /** Environment variables for the program, added to the orchestrator's. */
  env?: Record<string, string>;
  /** Its working directory; default: the orchestrator's. */
  cwd?: string;
  /** Wall time it has to say HELLO and READY (and, later, CONNECTED): '500ms', '1min'. Default 10 s. */
  startTimeout?: string;
}

/**
 * In an external simulator process: `command` is the program and its arguments (argv, no
 * shell), a program that speaks docs/external-protocol.md and implements the models of the
 * instance's components (models declared with defineExternalModel). Plain data: the plan
 * carries the command, never code.
 */
export function external(command: readonly string[], options: ExternalOptions = {}): Placement {
  const p: Placement = { kind: 'external', command: [...command] };
  if (options.env) p.env = { ...options.env };
  if (options.cwd) p.cwd = options.cwd;
  if (options.startTimeout !== undefined) p.startTimeoutMs = Math.max(1, Math.round(parseTime(options.startTimeout, 'startTimeout') / 1e9));
  return p;
}

/** The placement of each group; a remote placement must name its runner, others must not. */
export function place(groups: readonly Group[], choice: PlacementChoice | undefined, problems: PlanProblem[]): Placement[] {
  return groups.map((g, index) => {
    const where = `instance ${g.name}`;
    let p: unknown;
    try {
      p = typeof choice === 'function' ? choice({ name: g.name, index, components: g.components }) : (choice ?? 'thread');
    } catch (err) {
      problems.push({ where, message: `placement() failed: ${(err as Error)?.message ?? 'error'}` });
      return thread();
    }
    const parsed = placementSchema.safeParse(typeof p === 'string' ? { kind: p } : p);
    if (!parsed.success) {
      problems.push({ where, message: `placement must be 'thread', 'process', { kind: 'remote', runner: 'name' } or external({ command: [...] }), got ${describe(p)}` });
      return thread();
    }
    const placement = parsed.data;
    if (placement.kind === 'remote' && !placement.runner) problems.push({ where, message: "is placed on a remote runner without a name; write { kind: 'remote', runner: 'name' }" });
    if (placement.kind !== 'remote' && placement.runner !== undefined) problems.push({ where, message: `names runner "${placement.runner}" but is placed in a ${placement.kind}; use { kind: 'remote', runner: '${placement.runner}' }` });
    if (placement.kind === 'external' && !placement.command) problems.push({ where, message: "is placed in an external simulator without a command; write external(['program', 'arg', ...])" });
    const externalOnly = (['command', 'env', 'cwd', 'startTimeoutMs'] as const).filter((k) => placement[k] !== undefined);
    if (placement.kind !== 'external' && externalOnly.length > 0) problems.push({ where, message: `gives ${externalOnly.join(', ')}, which only an external placement takes, but is placed in a ${placement.kind}` });
    return placement;
  });
}

/**
 * An external process implements its models itself, and only it can: components of a model
 * declared with defineExternalModel must be in an instance placed external, and an external
 * instance holds only such components (a TypeScript model cannot run inside another program).
 */
export function checkExternalModels(
  components: ReadonlyArray<{ path: string; model: string | undefined; instance: number }>,
  groups: readonly Group[],
  placements: readonly Placement[],
  catalog: ModelCatalog,
  problems: PlanProblem[],
): void {
  const misplaced = new Map<number, string[]>();
  const foreign = new Map<number, string[]>();
  for (const c of components) {
    const spec = c.model === undefined ? undefined : catalog.get(c.model)?.spec;
    const placement = placements[c.instance];
    if (!spec || !placement) continue;
    const outside = spec.external === true && placement.kind !== 'external';
    const inside = spec.external !== true && placement.kind === 'external';
    if (outside || inside) {
      const map = outside ? misplaced : foreign;
      const list = map.get(c.instance) ?? [];
      list.push(`${c.path} (${c.model})`);
      map.set(c.instance, list);
    }
  }
  for (const [i, paths] of misplaced) {
    problems.push({ where: someOf(paths), message: `external model${paths.length === 1 ? '' : 's'}, implemented only by an external simulator, but instance ${groups[i]!.name} runs in a ${placements[i]!.kind}; put ${paths.length === 1 ? 'it' : 'them'} in an instance placed external({ command })` });
  }
  for (const [i, paths] of foreign) {
    problems.push({ where: someOf(paths), message: `instance ${groups[i]!.name} is an external simulator, which runs only models declared with defineExternalModel, and ${paths.length === 1 ? 'this model is' : 'these models are'} ours; move ${paths.length === 1 ? 'it' : 'them'} to another instance` });
  }
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
