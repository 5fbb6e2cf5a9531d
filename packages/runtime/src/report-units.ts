import type { Catalog } from '@splitsim/instantiation';

/**
 * Units for report axes and CSV headers. A model says what its statistics are (its spec's
 * `statistics`, with type and unit; host applications declare theirs too), and that is used
 * first; where a model says nothing, the name decides, from the conventions the built-in models
 * follow (times in ps, probe series for people in seconds and shares).
 */
export interface StatInfo {
  /** As models declare it: 'ps', 'packets', 'bytes', 'jobs', 'share', 's', 'packets/s'… */
  unit: string;
  description?: string;
}

export type UnitLookup = (component: { path: string; model: string }, statistic: string) => StatInfo;

interface Declared {
  readonly [name: string]: { readonly unit?: string; readonly description: string };
}

/** `name` against a declaration key, where `*` stands for any run of characters without a dot… or with one (`link.*.util`). */
function matches(key: string, name: string): boolean {
  if (!key.includes('*')) return key === name;
  const re = new RegExp(`^${key.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

function declared(table: Declared | undefined, name: string): StatInfo | undefined {
  if (!table) return undefined;
  for (const [key, doc] of Object.entries(table)) {
    if (doc.unit !== undefined && matches(key, name)) return { unit: doc.unit, description: doc.description };
  }
  return undefined;
}

/** What probe.sampler series hold: the target's probe answers, which the service models give in these units (models-service.md). */
const PROBE_UNITS: Array<[RegExp, string]> = [
  [/^(depth|inSystem|busy|arrived|served|rejected|queue|length|jobs)\b/, 'jobs'],
  // rehashRate: the share of requests rehashed since the previous sample.
  [/^(load|perceived|utili[sz]ation|share|rehashRate)\b/, 'share'],
  [/^(latency|response|wait|work|delay|sojourn)\b/, 's'],
];

/** Statistics by name where no model declared them. */
const NAME_UNITS: Array<[RegExp, string]> = [
  [/^link\..*\.util$/, 'share'],
  [/^link\..*\.queue$/, 'packets'],
  [/^link\.(drops|ecnMarks)$/, 'packets/s'],
  [/(Bytes|bytes)$/, 'bytes'],
  [/(Packets|packets|drops|Marks|Segments|Retransmits|Timeouts)$/, 'packets'],
  [/(wait|Wait|response|Response|latency|Latency|rtt|Rtt|Completion|completion|delay|Delay|sojourn)/, 'ps'],
];

export function unitLookup(catalog?: Catalog): UnitLookup {
  const apps = catalog ? [...catalog.apps.values()].map((a) => (a.spec as { statistics?: Declared }).statistics) : [];
  return (component, statistic) => {
    // A probe's series are its target's probe answers, in the units the probe's doc gives
    // ("the target's": latencies in seconds, lengths in jobs), not the target's statistics' units.
    if (component.model === 'probe.sampler') {
      for (const [re, unit] of PROBE_UNITS) if (re.test(statistic)) return { unit };
      return { unit: 'value' };
    }
    const spec = catalog?.models.get(component.model)?.spec.statistics as Declared | undefined;
    const own = declared(spec, statistic) ?? apps.reduce<StatInfo | undefined>((found, t) => found ?? declared(t, statistic), undefined);
    if (own) return own;
    for (const [re, unit] of NAME_UNITS) if (re.test(statistic)) return { unit };
    return { unit: 'value' };
  };
}

/** How a unit is shown on an axis: a scale for the values and the unit's name at that scale. */
export interface Display {
  scale: number;
  unit: string;
}

const TIME: Array<[number, string]> = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
  [1e-12, 'ps'],
];

/**
 * A readable scale for values of `unit` whose largest magnitude is `max`: times in the largest
 * unit under which they stay ≥ 1 (ps → µs), shares as %, bytes in kB/MB/GB.
 */
export function display(unit: string, max: number): Display {
  const m = Math.abs(max) || 1;
  if (unit === 'ps' || unit === 's') {
    const seconds = unit === 'ps' ? m / 1e12 : m;
    const toSeconds = unit === 'ps' ? 1e-12 : 1;
    for (const [f, name] of TIME) if (seconds >= f * 0.999 || name === 'ps') return { scale: toSeconds / f, unit: name };
  }
  if (unit === 'share') return { scale: 100, unit: '%' };
  if (unit === 'bytes') {
    for (const [f, name] of [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']] as const) if (m >= f) return { scale: 1 / f, unit: name };
  }
  return { scale: 1, unit };
}

/** "name (unit)", the way every axis and CSV header names a quantity. */
export function labelled(name: string, unit: string): string {
  return `${name} (${unit})`;
}
