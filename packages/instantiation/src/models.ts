import type { ZodObject } from 'zod';
import type { ComponentDecl, ResolvedSystem, System } from '@splitsim/system';
import { closest, paramProblems } from '@splitsim/system';
import type { ModelCatalog } from './catalog.ts';
import { declaredNames, globToRegExp } from './glob.ts';
import { someOf, type PlanProblem } from './problems.ts';

/**
 * Chooses a model for the components it applies to. Rules are tried in order; the first that
 * applies wins. A rule applies to components of its `kind`, whose path matches its glob `match`,
 * for which `where` holds, and, with `fraction`, to that share of them, chosen by `seed`.
 * Components of a kind no rule names get the one model that simulates that kind, if there is
 * exactly one; components of a kind some rule names but none applies to are reported.
 */
export interface ModelRule {
  kind?: string;
  /** Glob over paths: `*` within a segment, `**` across segments. */
  match?: string;
  where?: (component: ComponentDecl) => boolean;
  /** Of the components the rule matches (that no earlier rule took), this share: 0.1 = 10 %. */
  fraction?: number;
  /** Which components `fraction` picks; the same seed picks the same ones. Default 0. */
  seed?: number;
  model: string;
}

/** A 32-bit mix of (seed, id): the order in which `fraction` picks components. */
function rank(seed: number, id: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id | 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const RULE_KEYS = ['kind', 'match', 'where', 'fraction', 'seed', 'model'];

/** A rule's own mistakes: not an object, unknown keys (a typo would make it apply to everything), no model. */
function ruleProblems(rule: unknown, r: number, problems: PlanProblem[]): boolean {
  const where = `model rule ${r + 1}`;
  if (typeof rule !== 'object' || rule === null) {
    problems.push({ where, message: `must be an object such as { kind: 'host', model: 'host.protocol' }` });
    return false;
  }
  let ok = true;
  for (const key of Object.keys(rule)) {
    if (RULE_KEYS.includes(key)) continue;
    const hint = closest(key, RULE_KEYS);
    problems.push({ where, message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; a rule takes ${RULE_KEYS.join(', ')}` });
    ok = false;
  }
  const m = (rule as ModelRule).model;
  if (typeof m !== 'string' || m.length === 0) {
    problems.push({ where, message: 'has no model; add model: \'<name>\' (splitsim models lists them)' });
    ok = false;
  }
  return ok;
}

/** The model name chosen for each component id, or undefined where none is. */
export function chooseModels(system: System, rules: readonly ModelRule[], catalog: ModelCatalog, problems: PlanProblem[]): Array<string | undefined> {
  const chosen: Array<string | undefined> = new Array(system.components.length).fill(undefined);
  rules.forEach((rule, r) => {
    if (!ruleProblems(rule, r, problems)) return;
    const where = `model rule ${r + 1} (${rule.model})`;
    if (rule.fraction !== undefined && !(rule.fraction >= 0 && rule.fraction <= 1)) {
      problems.push({ where, message: `fraction must be between 0 and 1, got ${JSON.stringify(rule.fraction)}` });
      return;
    }
    const pattern = rule.match === undefined ? undefined : globToRegExp(rule.match);
    let candidates: ComponentDecl[] = [];
    for (const c of system.components) {
      if (chosen[c.id] !== undefined || (rule.kind !== undefined && rule.kind !== c.kind) || (pattern && !pattern.test(c.path))) continue;
      try {
        if (rule.where && !rule.where(c)) continue;
      } catch (err) {
        problems.push({ where, message: `where() failed on ${c.path}: ${(err as Error)?.message ?? 'error'}; make it a plain test of the component` });
        return;
      }
      candidates.push(c);
    }
    if (rule.fraction !== undefined) {
      const take = Math.round(rule.fraction * candidates.length);
      const seed = rule.seed ?? 0;
      candidates = candidates
        .map((c) => ({ c, key: rank(seed, c.id) }))
        .sort((x, y) => x.key - y.key || x.c.id - y.c.id)
        .slice(0, take)
        .map((x) => x.c);
    }
    for (const c of candidates) chosen[c.id] = rule.model;
  });
  // A kind that exactly one model simulates, or that one model is the default for, needs no
  // rule; but once rules name a kind, the components of it they leave out are a mistake to
  // report, not a gap to fill.
  const ruled = new Set(rules.map((r) => r?.kind).filter((k) => k !== undefined));
  const only = new Map<string, string | undefined>();
  for (const c of system.components) {
    if (chosen[c.id] !== undefined || ruled.has(c.kind)) continue;
    if (!only.has(c.kind)) only.set(c.kind, defaultModel(catalog, c.kind, problems));
    chosen[c.id] = only.get(c.kind);
  }
  return chosen;
}

/** The one model of a kind, else the one marked default; undefined (the caller reports it) when neither. */
function defaultModel(catalog: ModelCatalog, kind: string, problems: PlanProblem[]): string | undefined {
  const fits = [...catalog.values()].filter((m) => m.spec.kinds.includes(kind));
  if (fits.length === 1) return fits[0]!.spec.model;
  const defaults = fits.filter((m) => m.spec.default === true);
  if (defaults.length > 1) problems.push({ where: `kind ${kind}`, message: `models ${defaults.map((m) => m.spec.model).join(' and ')} are both marked default; choose one with a rule such as { kind: '${kind}', model: '…' }` });
  return defaults.length === 1 ? defaults[0]!.spec.model : undefined;
}

/**
 * Checks each component against its model (installed, fits the kind, parameters valid) and
 * returns the parameters the plan carries: the kind-resolved ones, then the model's schema.
 */
export function checkModels(system: System, resolved: ResolvedSystem, chosen: ReadonlyArray<string | undefined>, catalog: ModelCatalog, problems: PlanProblem[]): Array<Record<string, unknown>> {
  const params: Array<Record<string, unknown>> = [];
  const missing = new Map<string, string[]>();
  const unchosen = new Map<string, string[]>();
  for (const c of system.components) {
    const model = chosen[c.id];
    const entry = model === undefined ? undefined : catalog.get(model);
    let out = resolved.params[c.id]!;
    if (resolved.invalid.has(c.id)) {
      // Its kind or parameters are already reported; a model check would only repeat that.
    } else if (model === undefined) {
      append(unchosen, c.kind, c.path);
    } else if (!entry) {
      append(missing, model, c.path);
    } else if (!entry.spec.kinds.includes(c.kind)) {
      problems.push({ where: c.path, message: `model "${model}" simulates ${entry.spec.kinds.join(', ')}, not ${c.kind}; choose a ${c.kind} model (${modelsFor(catalog, c.kind)})` });
    } else {
      const parsed = entry.spec.params.safeParse(out);
      if (parsed.success) out = parsed.data as Record<string, unknown>;
      else {
        const shape = (entry.spec.params as ZodObject).shape;
        problems.push(...paramProblems(c.path, parsed.error.issues, `model ${model}`, shape ? Object.keys(shape) : undefined));
      }
    }
    params.push(out);
  }
  for (const [kind, paths] of unchosen) {
    const fallback = defaultModel(catalog, kind, []);
    const why = fallback ? `no rule applies, and rules name kind ${kind}, so its default ${fallback} is not used` : 'no rule applies and no model is its default';
    problems.push({ where: someOf(paths), message: `no model chosen for kind ${kind}: ${why}; add a rule such as models: [{ kind: '${kind}', model: '…' }] (${modelsFor(catalog, kind)})` });
  }
  for (const [model, paths] of missing) {
    const hint = closest(model, catalog.keys());
    problems.push({ where: someOf(paths), message: `no model module provides model "${model}"${hint ? ` (did you mean "${hint}"?)` : ''} (${paths.length === 1 ? '1 component uses' : `${paths.length} components use`} it; modules: ${modulesOf(catalog)}); add the module that exports it to the config's modules, or choose another model (splitsim models lists them)` });
  }
  return params;
}

function append(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The modules a catalogue's models come from, for messages. */
function modulesOf(catalog: ModelCatalog): string {
  const names = new Set([...catalog.values()].map((m) => (m as { module?: string }).module).filter((m) => m !== undefined));
  return [...names].join(', ') || 'none';
}

function modelsFor(catalog: ModelCatalog, kind: string): string {
  const names = [...catalog.values()].filter((m) => m.spec.kinds.includes(kind)).map((m) => m.spec.model);
  return names.length > 0 ? `models for ${kind}: ${names.join(', ')}` : `no model simulates ${kind}`;
}

/** Every port a link joins must be one its component's model declares. */
export function checkPorts(system: System, chosen: ReadonlyArray<string | undefined>, catalog: ModelCatalog, problems: PlanProblem[]): void {
  const hasPort = new Map<string, (port: string) => boolean>();
  for (const l of system.links) {
    if (system.isUnreadable(l.id)) continue;
    for (const end of [l.a, l.b]) {
      const c = system.components[end.component];
      const entry = c && chosen[c.id] !== undefined ? catalog.get(chosen[c.id]!) : undefined;
      if (!c || !entry || !entry.spec.kinds.includes(c.kind)) continue;
      let test = hasPort.get(entry.spec.model);
      if (!test) hasPort.set(entry.spec.model, (test = declaredNames(entry.spec.ports)));
      if (!test(end.port)) {
        // The link names the component's port; the message leaves it out so the same mistake on many links is one line.
        problems.push({ where: `link ${system.linkName(l)}`, message: `model ${entry.spec.model} (${c.kind}) has no port "${end.port}" (ports: ${entry.spec.ports.join(', ') || 'none'}); link one of those or choose another model` });
      }
    }
  }
}
