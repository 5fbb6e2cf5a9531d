import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Catalog, Plan } from '@splitsim/instantiation';
import { writeAtomic } from './atomic-write.ts';
import { showNumber, showTime, showWall } from './format.ts';
import { maxAbs, type ChartSeries, type ChartSpec } from './report-chart.ts';
import type { Section } from './report-page.ts';
import { metricSections, reportHtml, writeReport } from './report.ts';
import { display, labelled } from './report-units.ts';
import type { Aggregate, ReplicationResult } from './replications.ts';
import type { GridAxis, SweepPoint } from './sweep.ts';

/**
 * report.html of replications and sweeps: every figure with its 95 % confidence interval, over
 * the replications (one point per seed) or against a swept parameter (a line per combination of
 * the other parameters, the interval shaded, theory dashed where the config gives one).
 */
function yScale(unit: string | undefined, values: number[]): { scale: number; unit: string } {
  return unit === 's' ? display('s', maxAbs(values)) : { scale: 1, unit: unit || 'value' };
}

const scaled = (xs: ReadonlyArray<number | undefined>, k: number) => xs.map((v) => (v === undefined || !Number.isFinite(v) ? null : v * k));

/** Simulated time of the runs: "200 s each", or their range when each ended at its own time. */
function simulatedFact(runs: readonly ReplicationResult[]): string {
  const times = runs.map((r) => r.simulatedTime);
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  return lo === hi ? `${showTime(lo)} each` : `${showTime(lo)} to ${showTime(hi)} (each replication ends at its own time)`;
}

export interface ReplicationsReport {
  config: string;
  instantiation: string;
  runs: ReplicationResult[];
  aggregate: Aggregate;
  params?: Record<string, unknown>;
  catalog?: Catalog;
  plan?: Plan;
}

export function writeReplicationsReport(dir: string, o: ReplicationsReport): void {
  const { runs, aggregate } = o;
  const seeds = runs.map((r) => r.seed);
  const charts: ChartSpec[] = aggregate.figures.map((f, i) => {
    const values = runs.map((r) => r.figures.find((x) => x.name === f.name)?.value ?? NaN);
    const y = yScale(f.unit, values);
    const x = runs.map((_, k) => k);
    const series: ChartSeries[] = [
      { label: 'replication', x, y: scaled(values, y.scale), style: 'points' },
      { label: 'mean', x, y: x.map(() => f.mean * y.scale), style: 'line', band: { lower: x.map(() => (f.mean - f.ci95) * y.scale), upper: x.map(() => (f.mean + f.ci95) * y.scale) } },
    ];
    if (f.expected !== undefined) series.push({ label: 'theory', x, y: x.map(() => f.expected! * y.scale), style: 'dash' });
    return {
      id: `rep${i}`,
      title: f.name,
      note: `mean ${showNumber(f.mean * y.scale)} ± ${showNumber(f.ci95 * y.scale)} ${y.unit} (95 %, n = ${f.n})`,
      xLabel: labelled('replication', 'seed'),
      yLabel: labelled(f.name, y.unit),
      xUnit: '',
      yUnit: y.unit,
      xCategories: seeds.map(String),
      series,
    };
  });
  const sections: Section[] = [{ heading: 'Figures over the replications', intro: 'Each point is one replication; the line is their mean with its 95 % confidence interval shaded; theory dashed where there is one.', charts }];
  const first = runs[0]!;
  if (first.metrics) sections.push(...metricSections(first.metrics, o.catalog, o.plan, o.plan?.record?.interval, `the first replication (seed ${first.seed})`));
  const wall = runs.reduce((s, r) => s + r.wallSeconds, 0);
  const input: Parameters<typeof writeReport>[1] = {
    title: `${o.config}/${o.instantiation}: ${runs.length} replications`,
    kind: 'replications report',
    facts: [
      ['config', o.config],
      ['instantiation', o.instantiation],
      ['replications', `${runs.length}, seeds ${seeds[0]}…${seeds.at(-1)}`],
      ['simulated', simulatedFact(runs)],
      ['events', `${runs.reduce((s, r) => s + r.events, 0).toLocaleString('en')} in all`],
      ['wall time', `${showWall(wall)} of runs (${showWall(wall / runs.length)} each on average)`],
    ],
    figures: aggregate.figures.map((f) => ({ name: f.name, value: f.mean, ci95: f.ci95, detail: `n = ${f.n}, ${showNumber(f.min)} … ${showNumber(f.max)}`, ...(f.expected !== undefined ? { expected: f.expected } : {}), ...(f.unit ? { unit: f.unit } : {}) })),
    figuresNote: 'Mean over the replications ± the half-width of its 95 % confidence interval (Student t); the error is the mean\'s against theory, green where theory lies inside the interval.',
    metrics: null,
    sections,
  };
  if (o.params) input.params = o.params;
  writeReport(dir, input);
}

export interface SweepReport {
  config: string;
  instantiation: string;
  axes: GridAxis[];
  points: SweepPoint[];
  replications: number;
  seed: number;
  /** The CSV beside the report, for the facts. */
  csv: string;
}

/** Labels of an axis's values, and whether they are numbers (a numeric x axis) or categories. */
function axisValues(axis: GridAxis): { numeric: boolean; labels: string[] } {
  const numeric = axis.values.every((v) => typeof v === 'number');
  return { numeric, labels: axis.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) };
}

export function sweepCharts(axes: readonly GridAxis[], points: readonly SweepPoint[]): ChartSpec[] {
  // x: the last numeric axis (else the last one); a line per combination of the others.
  const xAxis = [...axes].reverse().find((a) => axisValues(a).numeric) ?? axes.at(-1)!;
  const { numeric, labels } = axisValues(xAxis);
  const others = axes.filter((a) => a !== xAxis);
  const groupOf = (p: SweepPoint) => others.map((a) => `${a.key}=${typeof p.params[a.key] === 'string' ? p.params[a.key] : JSON.stringify(p.params[a.key])}`).join(', ');
  const names = [...new Set(points.flatMap((p) => p.aggregate.figures.map((f) => f.name)))];
  const xOf = (p: SweepPoint) => (numeric ? (p.params[xAxis.key] as number) : xAxis.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(p.params[xAxis.key])));
  // The lines are the same for every figure: grouped and put in x order once.
  const groups = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const key = groupOf(p);
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  for (const list of groups.values()) list.sort((a, b) => xOf(a) - xOf(b));
  return names.map((name, i) => {
    const all = points.flatMap((p) => p.aggregate.figures.filter((f) => f.name === name));
    const unit = all[0]?.unit;
    const y = yScale(unit, all.map((f) => f.mean));
    const series: ChartSeries[] = [];
    for (const [group, sorted] of groups) {
      const fig = (p: SweepPoint) => p.aggregate.figures.find((f) => f.name === name);
      const x = sorted.map(xOf);
      const mean = sorted.map((p) => fig(p)?.mean);
      const line: ChartSeries = { label: group || 'mean', x, y: scaled(mean, y.scale) };
      const ci = sorted.map((p) => fig(p)?.ci95);
      if (sorted.every((p) => p.runs.length > 1)) line.band = { lower: scaled(mean.map((m, k) => (m ?? NaN) - (ci[k] ?? NaN)), y.scale), upper: scaled(mean.map((m, k) => (m ?? NaN) + (ci[k] ?? NaN)), y.scale) };
      series.push(line);
      if (sorted.some((p) => fig(p)?.expected !== undefined)) series.push({ label: `${group ? `${group}: ` : ''}theory`, x, y: scaled(sorted.map((p) => fig(p)?.expected), y.scale), style: 'dash' });
    }
    const chart: ChartSpec = {
      id: `sweep${i}`,
      title: name,
      xLabel: labelled(xAxis.key, numeric ? 'parameter value' : 'choice'),
      yLabel: labelled(name, y.unit),
      xUnit: '',
      yUnit: y.unit,
      series,
    };
    if (!numeric) chart.xCategories = labels;
    if (points[0] && points[0].runs.length > 1) chart.note = `mean of ${points[0].runs.length} replications per point, 95 % interval shaded`;
    return chart;
  });
}

/** Writes the sweep's report.html to `file`. */
export function writeSweepReport(file: string, o: SweepReport): void {
  mkdirSync(dirname(file), { recursive: true });
  const runs = o.points.flatMap((p) => p.runs);
  const wall = runs.reduce((s, r) => s + r.wallSeconds, 0);
  const grid = o.axes.map((a) => `${a.key} = ${axisValues(a).labels.join(', ')}`).join(' × ');
  const html = reportHtml(
    {
      title: `${o.config}/${o.instantiation}: sweep`,
      kind: 'sweep report',
      facts: [
        ['config', o.config],
        ['grid', grid],
        ['points', `${o.points.length} × ${o.replications} replication(s), seeds ${o.seed}…${o.seed + o.replications - 1}`],
        ['simulated', simulatedFact(runs)],
        ['wall time', `${showWall(wall)} of runs`],
        ['csv', o.csv],
      ],
      figures: [],
      metrics: null,
    },
    [{ heading: 'Figures against the swept parameters', intro: 'Each figure at every grid point: the mean over its replications, with the 95 % confidence interval shaded and theory dashed where the config gives one.', charts: sweepCharts(o.axes, o.points) }],
  );
  writeAtomic(file, html);
}
