import type { ComponentMetrics } from '@splitsim/kernel';
import { MAX_LINES, type ChartSeries, type ChartSpec } from './report-chart.ts';
import { display, labelled, type UnitLookup } from './report-units.ts';

/**
 * CDFs from the quantile sketches (latencies, response times, flow completion times). A
 * recorded run's sketches carry their whole distribution (`cdf`); otherwise the chart has the
 * four quantiles metrics.json keeps, and says so. With more components than a chart holds, their
 * distributions are merged, each weighted by its count (exact up to the sketch's error).
 */
interface Sketch {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  relativeError: number;
  cdf?: Array<[number, number]>;
}

function isSketch(v: unknown): v is Sketch {
  return typeof v === 'object' && v !== null && 'p50' in v && 'relativeError' in v && typeof (v as Sketch).count === 'number';
}

/** [value, share at or below it] steps of one sketch. */
function steps(s: Sketch): Array<[number, number]> {
  return s.cdf ?? [[s.p50, 0.5], [s.p90, 0.9], [s.p99, 0.99], [s.p999, 0.999]];
}

/** The count-weighted mixture of several sketches' CDFs, kept to about `points` steps. */
export function mergeCdfs(sketches: readonly Sketch[], points = 300): Array<[number, number]> {
  const total = sketches.reduce((s, k) => s + k.count, 0);
  if (total === 0) return [];
  const jumps: Array<[number, number]> = [];
  for (const k of sketches) {
    let prev = 0;
    for (const [x, p] of steps(k)) {
      if (p > prev) jumps.push([x, ((p - prev) * k.count) / total]);
      prev = p;
    }
  }
  jumps.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  let cum = 0;
  let nextShare = 0;
  jumps.forEach(([x, w], i) => {
    cum += w;
    const last = i === jumps.length - 1 || jumps[i + 1]![0] !== x;
    if (last && (cum >= nextShare || i === jumps.length - 1)) {
      out.push([x, Math.min(1, cum)]);
      nextShare = cum + 1 / points;
    }
  });
  return out;
}

export function distributionCharts(metrics: readonly ComponentMetrics[], units: UnitLookup, idPrefix = 'cdf'): ChartSpec[] {
  const families = new Map<string, Array<{ component: ComponentMetrics; sketch: Sketch }>>();
  for (const m of metrics) {
    for (const [name, stat] of Object.entries(m.stats)) {
      if (!isSketch(stat) || stat.count === 0) continue;
      const list = families.get(name);
      if (list) list.push({ component: m, sketch: stat });
      else families.set(name, [{ component: m, sketch: stat }]);
    }
  }
  const charts: ChartSpec[] = [];
  let n = 0;
  for (const [name, list] of families) {
    const info = units({ path: list[0]!.component.path, model: list[0]!.component.model }, name);
    const merged = list.length > MAX_LINES;
    const lines: Array<{ label: string; cdf: Array<[number, number]> }> = merged
      ? [{ label: `all ${list.length} components (${list.reduce((s, e) => s + e.sketch.count, 0).toLocaleString('en')} values)`, cdf: mergeCdfs(list.map((e) => e.sketch)) }]
      : list.map((e) => ({ label: `${e.component.path} (${e.sketch.count.toLocaleString('en')})`, cdf: steps(e.sketch) }));
    const xs = lines.flatMap((l) => l.cdf.map(([x]) => x)).filter((x) => Number.isFinite(x));
    if (xs.length === 0) continue;
    const max = Math.max(...xs.map(Math.abs));
    const positive = xs.filter((x) => x > 0);
    const xShow = display(info.unit, max);
    const logX = positive.length === xs.length && Math.max(...positive) / Math.min(...positive) > 50;
    const series: ChartSeries[] = lines.map((l) => ({ label: l.label, x: l.cdf.map(([x]) => x * xShow.scale), y: l.cdf.map(([, p]) => p * 100), style: 'step' }));
    const full = list.every((e) => e.sketch.cdf);
    const parts = [full ? `whole distribution from the quantile sketch (values within ±${(list[0]!.sketch.relativeError * 100).toFixed(2)} %)` : 'p50, p90, p99 and p99.9 of the sketch (run with --record for the whole distribution)'];
    if (merged) parts.push(`${list.length} components merged, each weighted by its count`);
    charts.push({
      id: `${idPrefix}${n++}`,
      title: `distribution of ${name.replace(/Quantiles$/, '')}`,
      note: parts.join('; '),
      xLabel: labelled(name.replace(/Quantiles$/, ''), xShow.unit),
      yLabel: labelled('share at or below', '%'),
      xUnit: xShow.unit,
      yUnit: '%',
      ...(logX ? { logX } : {}),
      series,
    });
  }
  return charts;
}
