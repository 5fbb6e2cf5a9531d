/**
 * A chart as report.html draws it: plain data the page hands to uPlot (report-client.ts). Each
 * series has its own x values (the page joins them); axis labels always carry a unit.
 */
export interface ChartSeries {
  label: string;
  x: number[];
  y: Array<number | null>;
  /** line (default), points (markers only), dash (a reference: theory, a mean over many), step (a CDF). */
  style?: 'line' | 'points' | 'dash' | 'step';
  /** A 95 % confidence band around y, drawn shaded. */
  band?: { lower: Array<number | null>; upper: Array<number | null> };
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One line under the title: what is drawn, what was left out. */
  note?: string;
  /** Axis names with their units: "simulated time (ms)". */
  xLabel: string;
  yLabel: string;
  /** Unit shown with hovered values. */
  yUnit: string;
  xUnit: string;
  logX?: boolean;
  /** Category names for x = 0, 1, 2… (a swept policy). */
  xCategories?: string[];
  series: ChartSeries[];
}

/** Most lines one chart shows; beyond that, the largest and a mean over all. */
export const MAX_LINES = 8;
/** Most points one line keeps; longer series keep each bucket's extremes, so spikes stay. */
export const MAX_POINTS = 1200;

/** Keeps at most about MAX_POINTS points: per bucket, its first, lowest and highest, in time order. */
export function decimate(x: readonly number[], y: ReadonlyArray<number | null>): { x: number[]; y: Array<number | null> } {
  if (x.length <= MAX_POINTS) return { x: [...x], y: [...y] };
  const per = Math.ceil(x.length / (MAX_POINTS / 3));
  const keep = new Set<number>();
  for (let start = 0; start < x.length; start += per) {
    let lo = -1;
    let hi = -1;
    for (let i = start; i < Math.min(x.length, start + per); i++) {
      const v = y[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (lo < 0 || v < y[lo]!) lo = i;
      if (hi < 0 || v > y[hi]!) hi = i;
    }
    keep.add(start);
    if (lo >= 0) keep.add(lo);
    if (hi >= 0) keep.add(hi);
  }
  const idx = [...keep].sort((a, b) => a - b);
  return { x: idx.map((i) => x[i]!), y: idx.map((i) => y[i] ?? null) };
}

/** Finite values only, for scales and means. */
export function finite(values: ReadonlyArray<number | null | undefined>): number[] {
  const out: number[] = [];
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v)) out.push(v);
  return out;
}

export function mean(values: ReadonlyArray<number | null | undefined>): number {
  const f = finite(values);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

export function maxAbs(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}
