import type { ComponentMetrics } from '@splitsim/kernel';
import { decimate, maxAbs, mean, MAX_LINES, type ChartSeries, type ChartSpec } from './report-chart.ts';
import { display, labelled, type UnitLookup } from './report-units.ts';

/**
 * Time series of a run (what probes sampled, what a recorded run's links did) as report charts
 * and CSV files. Series are grouped by statistic, one line per component (per port for links),
 * so `depth` shows every server's queue and `link.*.util` every link's utilisation.
 */
export interface Series {
  component: string;
  model: string;
  statistic: string;
  /** Seconds. */
  times: number[];
  values: Array<number | null>;
}

const PS_PER_S = 1e12;
const LINK = /^link\.(.+)\.(util|queue)$/;

/** Every time series in a run's metrics (statistics shaped { times, values }). */
export function collectSeries(metrics: readonly ComponentMetrics[]): Series[] {
  const out: Series[] = [];
  for (const m of metrics) {
    for (const [statistic, stat] of Object.entries(m.stats)) {
      const s = stat as { times?: unknown; values?: unknown };
      if (!s || !Array.isArray(s.times) || !Array.isArray(s.values)) continue;
      out.push({ component: m.path, model: m.model, statistic, times: s.times.map((t: number) => t / PS_PER_S), values: s.values as Array<number | null> });
    }
  }
  return out;
}

export function csvField(x: string): string {
  return /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}

const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

/** series.csv: one row per sample of every series but the links' (links.csv has those), with its unit. */
export function seriesCsv(series: readonly Series[], units: UnitLookup): string {
  const rows = ['component,statistic,unit,time_s,value'];
  for (const s of series) {
    if (LINK.test(s.statistic)) continue;
    const unit = csvField(units({ path: s.component, model: s.model }, s.statistic).unit);
    const head = `${csvField(s.component)},${csvField(s.statistic)},${unit}`;
    s.times.forEach((t, i) => rows.push(`${head},${t},${cell(s.values[i])}`));
  }
  return rows.length > 1 ? rows.join('\n') + '\n' : '';
}

/** links.csv (a recorded run): per port and sample, utilisation (0 to 1) and packets queued. */
export function linksCsv(series: readonly Series[], peer: PeerLookup): string {
  const byPort = new Map<string, { util?: Series; queue?: Series; component: string; port: string }>();
  for (const s of series) {
    const m = LINK.exec(s.statistic);
    if (!m) continue;
    const key = `${s.component}\u0000${m[1]}`;
    const e = byPort.get(key) ?? { component: s.component, port: m[1]! };
    e[m[2] as 'util' | 'queue'] = s;
    byPort.set(key, e);
  }
  if (byPort.size === 0) return '';
  const rows = ['component,port,to,time_s,utilisation_share,queue_packets'];
  for (const e of byPort.values()) {
    const head = `${csvField(e.component)},${csvField(e.port)},${csvField(peer(e.component, e.port) ?? '')}`;
    const times = e.util?.times ?? e.queue!.times;
    times.forEach((t, i) => rows.push(`${head},${t},${cell(e.util?.values[i])},${cell(e.queue?.values[i])}`));
  }
  return rows.join('\n') + '\n';
}

/** The component at the other end of a port's link, if the plan says. */
export type PeerLookup = (component: string, port: string) => string | undefined;

const TITLES: Record<string, string> = {
  'link.*.util': 'link utilisation',
  'link.*.queue': 'queue length at link ports',
  'link.drops': 'drops',
  'link.ecnMarks': 'ECN marks',
};

/** One chart per statistic: a line per component (per port), the MAX_LINES largest and their mean where there are more. */
export function seriesCharts(series: readonly Series[], units: UnitLookup, peer: PeerLookup, idPrefix = 'ts'): ChartSpec[] {
  const families = new Map<string, Series[]>();
  for (const s of series) {
    const key = LINK.test(s.statistic) ? s.statistic.replace(LINK, 'link.*.$2') : s.statistic;
    const list = families.get(key);
    if (list) list.push(s);
    else families.set(key, [s]);
  }
  const charts: ChartSpec[] = [];
  let n = 0;
  for (const [family, list] of families) {
    const info = units({ path: list[0]!.component, model: list[0]!.model }, list[0]!.statistic);
    const yShow = display(info.unit, maxAbs(list.flatMap((s) => s.values as number[])));
    const xShow = display('s', maxAbs(list.flatMap((s) => s.times)));
    const ranked = list.length > MAX_LINES ? [...list].sort((a, b) => mean(b.values) - mean(a.values)).slice(0, MAX_LINES) : list;
    const lines: ChartSeries[] = ranked.map((s) => {
      const d = decimate(s.times, s.values);
      return { label: lineLabel(s, peer), x: d.x.map((t) => t * xShow.scale), y: d.y.map((v) => (v === null ? null : v * yShow.scale)) };
    });
    let note: string | undefined;
    if (list.length > MAX_LINES) {
      const avg = meanLine(list);
      const d = decimate(avg.x, avg.y);
      lines.push({ label: `mean of all ${list.length}`, x: d.x.map((t) => t * xShow.scale), y: d.y.map((v) => (v === null ? null : v * yShow.scale)), style: 'dash' });
      note = `the ${MAX_LINES} of ${list.length} with the highest mean, and the mean of all`;
    }
    const title = TITLES[family] ?? family;
    charts.push({
      id: `${idPrefix}${n++}`,
      title,
      ...(note ? { note } : {}),
      xLabel: labelled('simulated time', xShow.unit),
      yLabel: labelled(title.replace(/^link /, ''), yShow.unit),
      xUnit: xShow.unit,
      yUnit: yShow.unit,
      series: lines,
    });
  }
  return charts;
}

function lineLabel(s: Series, peer: PeerLookup): string {
  const m = LINK.exec(s.statistic);
  if (!m) return s.component;
  const to = peer(s.component, m[1]!);
  return `${s.component}:${m[1]}${to ? ` → ${to}` : ''}`;
}

/** The mean at each sample time over the series that have one. */
function meanLine(list: readonly Series[]): { x: number[]; y: number[] } {
  const sums = new Map<number, [number, number]>();
  for (const s of list) {
    s.times.forEach((t, i) => {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const e = sums.get(t) ?? [0, 0];
      e[0] += v;
      e[1]++;
      sums.set(t, e);
    });
  }
  const x = [...sums.keys()].sort((a, b) => a - b);
  return { x, y: x.map((t) => sums.get(t)![0] / sums.get(t)![1]) };
}
