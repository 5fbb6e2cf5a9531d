import { z } from 'zod';
import { formatRate, formatTime } from '@splitsim/kernel';

/** One parameter of a model, kind or application, as `splitsim models` and the docs show it. */
export interface ParamInfo {
  name: string;
  /** "integer > 0", "time", "one of reno, dctcp", … */
  type: string;
  required: boolean;
  /** The default as a user would write it ("500ns", 1448), when there is one. */
  default?: unknown;
}

type Def = { type: string; innerType?: z.ZodType; defaultValue?: unknown; checks?: Array<{ _zod: { def: Record<string, unknown> } }>; entries?: Record<string, unknown>; values?: unknown[]; options?: z.ZodType[]; in?: z.ZodType; element?: z.ZodType };

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const unitOf = (s: z.ZodType): string | undefined => (z.globalRegistry.get(s) as { unit?: string } | undefined)?.unit;

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
  }
  const unit = unitOf(s);
  const info: ParamInfo = { name, type: unit ?? typeName(s), required };
  if (hasDefault) info.default = unit === 'time' && typeof dflt === 'number' ? formatTime(dflt) : unit === 'rate' && typeof dflt === 'number' ? formatRate(dflt) : dflt;
  return info;
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
    case 'union':
      return (d.options ?? []).map(typeName).join(' or ');
    case 'pipe':
      return d.in ? typeName(d.in) : 'value';
    case 'default':
    case 'optional':
      return typeName(d.innerType!);
    default:
      return d.type;
  }
}
