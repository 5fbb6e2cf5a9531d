import { z } from 'zod';
import type { ComponentClass, ComponentSpec } from '@splitsim/kernel';
import type { AppDecl, KindSpec, Problem, StepSpec } from '@splitsim/system';

/**
 * The models, component kinds, host applications and instantiation steps a run may use, each
 * with the model module it came from. Plans name models and modules, never code: every instance
 * reads the same modules from its own installed files and rebuilds the same catalogue.
 */
export interface Catalog {
  /** The modules, in the order they were read (the built-in one first). */
  readonly modules: readonly ModuleRef[];
  readonly models: ReadonlyMap<string, CatalogModel>;
  readonly kinds: ReadonlyMap<string, { readonly spec: KindSpec; readonly module: string }>;
  readonly apps: ReadonlyMap<string, { readonly spec: AppDecl; readonly module: string }>;
  readonly steps: ReadonlyArray<{ readonly spec: StepSpec; readonly module: string }>;
}

/** A model module: how a config names it, and where it resolved on this machine (none for the built-in one). */
export interface ModuleRef {
  specifier: string;
  url?: string;
}

export interface CatalogModel {
  readonly spec: ComponentSpec;
  readonly cls: ComponentClass;
  /** The specifier of the module it came from. */
  readonly module: string;
}

/** The models an instantiation may choose from, by name (only their specs are read). */
export type ModelCatalog = ReadonlyMap<string, { readonly spec: ComponentSpec }>;

/** A module's exports, read by catalogOf. */
export interface LoadedModule {
  ref: ModuleRef;
  exports: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const zodLike = z.custom<z.ZodType>((v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function', 'must be a zod schema, e.g. z.object({ … }).strict()');
const fn = z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const name = (what: string) => z.string().regex(NAME, `must be a ${what} of letters, digits, ".", "_" or "-"`);

const statisticsSchema = z.record(
  z.string().min(1),
  z.object({ type: z.enum(['counter', 'tally', 'timeWeighted', 'quantiles', 'batchMeans', 'series']), unit: z.string().optional(), description: z.string().min(1) }),
);

const modelSpecSchema = z.object({
  model: name('name such as "lb.load-aware"'),
  kinds: z.array(name('kind')).min(1, 'must name at least one kind'),
  description: z.string().min(1, 'must be one line saying what the model simulates'),
  ports: z.array(z.string().min(1)),
  params: zodLike,
  default: z.boolean().optional(),
  roles: z.array(z.string().min(1)).optional(),
  crashable: z.boolean().optional(),
  statistics: statisticsSchema.optional(),
  external: z.boolean().optional(),
});

const kindSchema = z.object({
  kind: name('kind'),
  description: z.string().min(1, 'must be one line saying what it is'),
  params: zodLike.optional(),
  apps: z.boolean().optional(),
  ports: z.object({ linkKind: fn, list: fn }).optional(),
});

const appSchema = z.object({
  type: name('type'),
  description: z.string().min(1, 'must be one line saying what it does'),
  protocol: z.enum(['udp', 'tcp']),
  params: zodLike,
  create: fn,
  talksTo: fn.optional(),
  listens: fn.optional(),
  steady: fn.optional(),
  statistics: statisticsSchema.optional(),
});

const stepSchema = z.object({ step: name('name'), description: z.string().min(1), derive: fn });

type Found =
  | { what: 'model'; key: string; value: ComponentClass }
  | { what: 'kind'; key: string; value: KindSpec }
  | { what: 'application'; key: string; value: AppDecl }
  | { what: 'step'; key: string; value: StepSpec };

/**
 * What one export is: a model (a class with a static `spec`), a kind (an object with `kind`), a
 * host application (with `type` and `create`) or a step (with `step` and `derive`); null for
 * anything else (helpers, constants). A candidate that does not hold together is a problem.
 */
function classify(exportName: string, v: unknown, where: string, problems: Problem[]): Found | null {
  const bad = (what: string, issues: z.core.$ZodIssue[]) => {
    for (const i of issues) problems.push({ where, message: `export ${exportName} looks like a ${what} but its ${i.path.join('.') || 'definition'} ${i.message}` });
    return null;
  };
  const spec = typeof v === 'function' ? (v as unknown as { spec?: unknown }).spec : undefined;
  if (typeof spec === 'object' && spec !== null) {
    const r = modelSpecSchema.safeParse(spec);
    if (!r.success) return bad('model (a class with a static spec)', r.error.issues);
    return { what: 'model', key: r.data.model, value: v as ComponentClass };
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.type === 'string' && 'create' in o) {
    const r = appSchema.safeParse(o);
    return r.success ? { what: 'application', key: r.data.type, value: o as unknown as AppDecl } : bad('host application (defineApp)', r.error.issues);
  }
  if (typeof o.step === 'string') {
    const r = stepSchema.safeParse(o);
    return r.success ? { what: 'step', key: r.data.step, value: o as unknown as StepSpec } : bad('instantiation step (defineStep)', r.error.issues);
  }
  if (typeof o.kind === 'string' && typeof o.description === 'string') {
    const r = kindSchema.safeParse(o);
    return r.success ? { what: 'kind', key: r.data.kind, value: o as unknown as KindSpec } : bad('component kind (defineKind)', r.error.issues);
  }
  return null;
}

/**
 * Reads the exports of model modules into one catalogue, collecting every problem: an export
 * that looks like a model, kind, application or step but is not a valid one; a module that
 * exports none; two of one name (in one module or two). A default export that is an array is
 * read element by element.
 */
export function catalogOf(modules: readonly LoadedModule[]): { catalog: Catalog; problems: Problem[] } {
  const problems: Problem[] = [];
  const models = new Map<string, CatalogModel>();
  const kinds = new Map<string, { spec: KindSpec; module: string }>();
  const apps = new Map<string, { spec: AppDecl; module: string }>();
  const steps: Array<{ spec: StepSpec; module: string }> = [];
  const stepNames = new Map<string, string>();
  for (const m of modules) {
    const where = `model module ${m.ref.specifier}`;
    const seen = new Set<unknown>();
    let found = 0;
    const entries = Object.entries(m.exports).flatMap(([k, v]) => (k === 'default' && Array.isArray(v) ? v.map((x, i) => [`default[${i}]`, x] as const) : [[k, v] as const]));
    for (const [exportName, v] of entries) {
      if (seen.has(v)) continue;
      seen.add(v);
      const f = classify(exportName, v, where, problems);
      if (!f) continue;
      found++;
      const twice = (first: string) => problems.push({ where, message: `${f.what} "${f.key}" is declared twice: by ${first} and by ${m.ref.specifier}; rename one` });
      if (f.what === 'model') {
        const other = models.get(f.key);
        if (other) twice(other.module);
        else models.set(f.key, { spec: f.value.spec, cls: f.value, module: m.ref.specifier });
      } else if (f.what === 'kind') {
        const other = kinds.get(f.key);
        if (other) twice(other.module);
        else kinds.set(f.key, { spec: f.value, module: m.ref.specifier });
      } else if (f.what === 'application') {
        const other = apps.get(f.key);
        if (other) twice(other.module);
        else apps.set(f.key, { spec: f.value, module: m.ref.specifier });
      } else {
        const other = stepNames.get(f.key);
        if (other) twice(other);
        else {
          stepNames.set(f.key, m.ref.specifier);
          steps.push({ spec: f.value, module: m.ref.specifier });
        }
      }
    }
    if (found === 0 && !problems.some((p) => p.where === where)) {
      problems.push({ where, message: 'exports no model, kind, application or step; a model is an exported class with a static spec (defineSpec({ model, kinds, description, ports, params }))' });
    }
  }
  return { catalog: { modules: modules.map((m) => m.ref), models, kinds, apps, steps }, problems };
}

/** The catalogue's kinds and applications, as System.resolve() takes them. */
export function systemExtensions(catalog: Catalog): { kinds: KindSpec[]; apps: Map<string, AppDecl> } {
  return { kinds: [...catalog.kinds.values()].map((k) => k.spec), apps: new Map([...catalog.apps].map(([k, v]) => [k, v.spec])) };
}
