import type { Silence, StepComponent, StepInput, System } from '@splitsim/system';
import type { Catalog } from './catalog.ts';
import type { PlanProblem } from './problems.ts';

export interface Derived {
  /** Parameters the steps add, by component id. */
  params: Map<number, Record<string, unknown>>;
  /** Silent link ends, by link id. */
  silent: Array<Silence | null>;
  /** True when the steps did not run: some link's options could not be read. */
  skipped: boolean;
}

/**
 * Runs the catalogue's instantiation steps over the system and the model choice, and merges
 * what they derive: the parameters each adds (two steps may not set one key of one component)
 * and the silent ends of links (an end is silent only where every step that speaks of it says so).
 */
export function runSteps(system: System, params: ReadonlyArray<Record<string, unknown>>, chosen: ReadonlyArray<string | undefined>, catalog: Catalog, problems: PlanProblem[]): Derived {
  const derived: Derived = { params: new Map(), silent: system.links.map(() => null), skipped: false };
  if (catalog.steps.length === 0) return derived;
  // A link whose options could not be read (its problem is reported) has no latency or bandwidth
  // to give the steps: what they would derive from it (a negative latency's link "has no
  // bandwidth", 96 times over) only buries the real cause. They run once the links read.
  if (system.links.some((l) => system.isUnreadable(l.id))) return { ...derived, skipped: true };
  const components: StepComponent[] = system.components.map((c) => {
    const model = chosen[c.id];
    const roles = (model !== undefined ? catalog.models.get(model)?.spec.roles : undefined) ?? [];
    return { id: c.id, path: c.path, kind: c.kind, roles, params: params[c.id]! };
  });
  const input: StepInput = {
    components,
    links: system.links.map((l) => ({ id: l.id, a: l.a, b: l.b, latency: l.latency, ...(l.bandwidth === undefined ? {} : { bandwidth: l.bandwidth }) })),
    apps: new Map([...catalog.apps].map(([k, v]) => [k, v.spec])),
  };
  const setBy = new Map<string, string>();
  const spoke = system.links.map(() => false);
  for (const { spec, module } of catalog.steps) {
    let out;
    try {
      out = spec.derive(input);
    } catch (err) {
      problems.push({ where: `step ${spec.step} (${module})`, message: `failed: ${(err as Error)?.message ?? String(err)}` });
      continue;
    }
    for (const p of out.problems ?? []) problems.push(p);
    for (const [id, add] of out.params ?? []) {
      const into = derived.params.get(id) ?? {};
      for (const [key, value] of Object.entries(add)) {
        const first = setBy.get(`${id}\0${key}`);
        if (first !== undefined) problems.push({ where: system.pathOf(id), message: `parameter "${key}" is derived by two steps, ${first} and ${spec.step}` });
        setBy.set(`${id}\0${key}`, spec.step);
        into[key] = value;
      }
      derived.params.set(id, into);
    }
    out.silent?.forEach((s, i) => {
      if (s === null || s === undefined) return;
      derived.silent[i] = spoke[i] ? meet(derived.silent[i]!, s) : s;
      spoke[i] = true;
    });
  }
  return derived;
}

/** Ends silent by both accounts. */
function meet(a: Silence | null, b: Silence): Silence | null {
  if (a === null) return null;
  if (a === 'both') return b;
  if (b === 'both') return a;
  return a === b ? a : null;
}
