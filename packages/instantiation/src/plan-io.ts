import { formatTime, SplitSimError } from '@splitsim/kernel';
import { fieldPath } from '@splitsim/system';
import { BUILTIN_MODULE } from '@splitsim/models';
import { planSchema, type Plan } from './plan.ts';
import { PlanError, type PlanProblem } from './problems.ts';

/** plan.json: two-space JSON, one trailing newline. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/**
 * Reads a plan (plan.json text or parsed JSON) and checks it the way a runner must before it
 * starts anything: the schema, then that it holds together (checkPlan). Throws every problem.
 */
export function parsePlan(input: string | unknown, source = 'plan'): Plan {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (err) {
      throw new SplitSimError('E_CONFIG', `${source}: not JSON: ${(err as Error).message}`, { file: source });
    }
  }
  const parsed = planSchema.safeParse(upgrade(data));
  if (!parsed.success) throw new PlanError(parsed.error.issues.map((i) => ({ where: `${source} ${fieldPath(i.path) || '(top level)'}`, message: i.message })));
  const problems = checkPlan(parsed.data);
  if (problems.length > 0) throw new PlanError(problems);
  return parsed.data;
}

/** A version 1 plan (before model modules) used the built-in models alone. */
function upgrade(data: unknown): unknown {
  const d = data as { version?: unknown; components?: Array<{ model?: unknown }> } | null;
  if (typeof d !== 'object' || d === null || d.version !== 1 || !Array.isArray(d.components)) return data;
  const names = [...new Set(d.components.map((c) => c?.model).filter((m): m is string => typeof m === 'string'))];
  return { ...d, version: 2, modules: [{ specifier: BUILTIN_MODULE }], models: names.map((name) => ({ name, module: BUILTIN_MODULE })) };
}

/** An instance name becomes a file name (profile/<name>.jsonl): one plain path segment. */
export const INSTANCE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * The invariants of a resolved plan: ids are positions; every component is in exactly one
 * instance, the one it names; a link is cut exactly when its ends are in different instances, and
 * then exactly one channel, the one between those instances, carries it; a channel's lookahead is
 * the smallest latency it carries, positive, and its sync interval is positive and no larger.
 */
export function checkPlan(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (where: string, message: string) => problems.push({ where, message });
  const n = plan.components.length;
  plan.components.forEach((c, i) => c.id !== i && add(c.path, `has id ${c.id} at position ${i}`));
  const specifiers = new Set(plan.modules.map((m) => m.specifier));
  const provider = new Map(plan.models.map((m) => [m.name, m.module]));
  for (const m of plan.models) if (!specifiers.has(m.module)) add(`model ${m.name}`, `comes from module ${m.module}, which the plan's modules do not list`);
  const unlisted = new Set(plan.components.filter((c) => !provider.has(c.model)).map((c) => c.model));
  for (const m of unlisted) add(`model ${m}`, 'is used by a component but the plan\'s models do not list it');
  for (const inst of plan.instances) if (!INSTANCE_NAME.test(inst.name)) add(`instance ${JSON.stringify(inst.name)}`, 'is not a valid instance name: letters, digits, "_", "-", "+" and "." only (it names files)');
  plan.instances.forEach((inst, i) => inst.id !== i && add(`instance ${inst.name}`, `has id ${inst.id} at position ${i}`));
  plan.links.forEach((l, i) => l.id !== i && add(`link ${i}`, `has id ${l.id}`));
  plan.channels.forEach((ch, i) => ch.id !== i && add(`channel ${ch.name}`, `has id ${ch.id} at position ${i}`));

  const holder = new Int32Array(n).fill(-1);
  for (const inst of plan.instances) {
    for (const id of inst.components) {
      const c = plan.components[id];
      if (!c) add(`instance ${inst.name}`, `holds component ${id}, which the plan does not have`);
      else if (holder[id] !== -1) add(c.path, `is in instances ${plan.instances[holder[id]!]!.name} and ${inst.name}`);
      else holder[id] = inst.id;
    }
  }
  for (const c of plan.components) {
    if (holder[c.id] === -1) add(c.path, 'is in no instance');
    else if (holder[c.id] !== c.instance) add(c.path, `names instance ${c.instance} but instance ${holder[c.id]} holds it`);
  }

  const carriedBy = new Int32Array(plan.links.length).fill(-1);
  for (const ch of plan.channels) {
    const where = `channel ${ch.name}`;
    if (!plan.instances[ch.a] || !plan.instances[ch.b] || ch.a >= ch.b) add(where, `joins instances ${ch.a} and ${ch.b}; it must join two instances, the lower id first`);
    let min = Infinity;
    for (const id of ch.links) {
      const l = plan.links[id];
      if (!l) {
        add(where, `carries link ${id}, which the plan does not have`);
        continue;
      }
      if (carriedBy[id] !== -1) add(where, `carries link ${id}, which channel ${plan.channels[carriedBy[id]!]!.name} carries too`);
      carriedBy[id] = ch.id;
      min = Math.min(min, l.latency);
      const ends = [plan.components[l.a.component]?.instance, plan.components[l.b.component]?.instance].sort((x, y) => (x ?? -1) - (y ?? -1));
      if (ends[0] !== ch.a || ends[1] !== ch.b) add(where, `carries link ${id}, whose ends are not in ${ch.a} and ${ch.b}`);
    }
    if (ch.links.length === 0) add(where, 'carries no link');
    else if (ch.lookahead !== min) add(where, `has lookahead ${formatTime(ch.lookahead)}, but its smallest link latency is ${formatTime(min)}`);
    if (ch.lookahead <= 0) add(where, 'has zero lookahead; a cut link needs a latency');
    if (ch.syncInterval <= 0 || ch.syncInterval > ch.lookahead) add(where, `has sync interval ${formatTime(ch.syncInterval)}; it must be positive and at most the lookahead ${formatTime(ch.lookahead)}`);
  }
  for (const l of plan.links) {
    const a = plan.components[l.a.component];
    const b = plan.components[l.b.component];
    if (!a || !b) {
      add(`link ${l.id}`, 'joins a component the plan does not have');
      continue;
    }
    const where = `link ${a.path}.${l.a.port} ↔ ${b.path}.${l.b.port}`;
    const cut = a.instance !== b.instance;
    if (cut && l.channel === null) add(where, 'is cut but no channel carries it');
    if (!cut && l.channel !== null) add(where, `is not cut but names channel ${l.channel}`);
    if (l.channel !== null && carriedBy[l.id] !== l.channel) add(where, `names channel ${l.channel}, which does not carry it`);
    if (cut && l.noCut) add(where, 'is marked noCut but is cut');
  }
  // Faults: what they name exists, and each schedule is sorted windows that do not overlap.
  const sorted = (ws: ReadonlyArray<{ from: number; until?: number | undefined }>) =>
    ws.every((w, i) => (w.until === undefined ? i === ws.length - 1 : w.until > w.from) && (i === 0 || w.from >= ws[i - 1]!.until!));
  for (const c of plan.faults?.crashes ?? []) {
    const comp = plan.components[c.component];
    if (!comp) add(`faults`, `crash windows for component ${c.component}, which the plan does not have`);
    else if (!sorted(c.windows)) add(comp.path, 'has crash windows that are not sorted, overlap or end before they start');
  }
  for (const f of plan.faults?.links ?? []) {
    if (!plan.links[f.link]) add(`faults`, `fault windows for link ${f.link}, which the plan does not have`);
    else if (!sorted(f.windows)) add(`link ${f.link}`, 'has fault windows that are not sorted, overlap or end before they start');
  }
  return problems;
}
