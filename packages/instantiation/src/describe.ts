import { z } from 'zod';
import { formatRate, formatTime } from '@splitsim/kernel';
import { formatCapacity, formatFrequency, formatSize, type Capacity } from '@splitsim/system';

/** One parameter of a model, kind or application, as `splitsim models` and the docs show it. */
export interface ParamInfo {
  name: string;
  /** "integer > 0", "time", "one of reno, dctcp", "distribution: type exponential | erlang | …", … */
  type: string;
  required: boolean;
  /** The default as a user would write it ("500ns", "3GHz", "100packets", 1448), when there is one. */
  default?: unknown;
  /** Computed by this instantiation step, never written by a user (a model's `net`: "network step"). */
  derived?: string;
}

type Def = {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  entries?: Record<string, unknown>;
  values?: unknown[];
  options?: z.ZodType[];
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
};

/** What a schema may carry in zod's registry: a unit (units.time() …), a name for a union (`title`), `derived`. */
type Meta = { unit?: string; title?: string; derived?: string };

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const metaOf = (s: z.ZodType): Meta | undefined => z.globalRegistry.get(s) as Meta | undefined;

/** Unit schemas' numbers as a user writes them (a default is shown so, not as the number a model gets). */
const FORMATS: Record<string, (v: number) => string> = { time: formatTime, rate: formatRate, frequency: formatFrequency, size: formatSize };

/** The parameters of an object schema, in declaration order; [] for anything else. */
export function describeParams(schema: z.ZodType | undefined): ParamInfo[] {
  let s = schema;
  while (s && ['pipe', 'default', 'optional'].includes(defOf(s).type)) s = defOf(s).type === 'pipe' ? defOf(s).in : defOf(s).innerType;
  const shape = (s as z.ZodObject | undefined)?.shape;
  if (!shape) return [];
  return Object.entries(shape).map(([name, field]) => describeField(name, field as z.ZodType));
}

function describeField(name: string, field: z.ZodType): ParamInfo {
  let s = field;
  let required = true;
  let dflt: unknown;
  let hasDefault = false;
  let derived = metaOf(s)?.derived;
  for (;;) {
    const d = defOf(s);
    if (d.type === 'default' || d.type === 'prefault') {
      hasDefault = true;
      dflt = d.defaultValue;
      required = false;
      s = d.innerType!;
    } else if (d.type === 'optional' || d.type === 'nullable') {
      required = false;
      s = d.innerType!;
    } else break;
    derived ??= metaOf(s)?.derived;
  }
  const unit = metaOf(s)?.unit;
  const info: ParamInfo = { name, type: unit ?? typeName(s), required: required && derived === undefined };
  if (hasDefault) info.default = asWritten(unit, dflt);
  if (derived !== undefined) info.derived = derived;
  return info;
}

/** A default as a user writes it: a prefault is already so ("1ms"); a parsed value is formatted. */
function asWritten(unit: string | undefined, value: unknown): unknown {
  // Number.MAX_SAFE_INTEGER is how a schema says "no limit" where a limit must be a number.
  if (value === Number.MAX_SAFE_INTEGER) return 'unlimited';
  if (unit === 'capacity') return typeof value === 'number' ? `${value}packets` : typeof value === 'object' && value !== null ? formatCapacity(value as Capacity) : value;
  const format = unit === undefined ? undefined : FORMATS[unit];
  return format !== undefined && typeof value === 'number' ? format(value) : value;
}

function typeName(s: z.ZodType): string {
  const d = defOf(s);
  switch (d.type) {
    case 'number': {
      const checks = (d.checks ?? []).map((c) => c._zod.def);
      const int = checks.some((c) => c.format === 'safeint' || c.format === 'int32');
      const bounds = checks
        .filter((c) => c.check === 'greater_than' || c.check === 'less_than')
        .map((c) => `${c.check === 'greater_than' ? (c.inclusive ? '≥' : '>') : c.inclusive ? '≤' : '<'} ${String(c.value)}`);
      return [int ? 'integer' : 'number', ...bounds].join(' ');
    }
    case 'enum':
      return `one of ${Object.values(d.entries ?? {}).join(', ')}`;
    case 'literal':
      return `"${(d.values ?? []).join('", "')}"`;
    case 'array':
      return `array of ${d.element ? typeName(d.element) : 'values'}`;
    case 'object': {
      // The keys, so that a user sees what goes inside; "…" where other keys are allowed too.
      const keys = Object.keys(d.shape ?? {});
      if (d.catchall && defOf(d.catchall).type !== 'never') keys.push('…');
      return keys.length > 0 ? `object { ${keys.join(', ')} }` : 'object';
    }
    case 'union': {
      // Objects told apart by their `type` (distributions, profiles): the types, not "object or object or …".
      const tags = (d.options ?? []).map(typeTag);
      if (tags.length > 1 && tags.every((t) => t !== undefined)) return `${metaOf(s)?.title ?? 'object'}: type ${tags.join(' | ')}`;
      return (d.options ?? []).map(typeName).join(' or ');
    }
    case 'pipe':
      return d.in ? typeName(d.in) : 'value';
    case 'default':
    case 'optional':
      return typeName(d.innerType!);
    default:
      return d.type;
  }
}

/** The value of an object schema's literal `type` field, or undefined. */
function typeTag(s: z.ZodType): string | undefined {
  const d = defOf(s);
  const t = d.type === 'object' ? d.shape?.type : undefined;
  const values = t && defOf(t).type === 'literal' ? defOf(t).values : undefined;
  return values?.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}
