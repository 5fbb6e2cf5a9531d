import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentMetrics } from '@splitsim/kernel';
import { writeAtomic } from './atomic-write.ts';

/**
 * report.html: a self-contained page (inline SVG, no script, no network) with a run's headline
 * figures and every time series its probes recorded, plus series.csv with the same samples.
 * Series are grouped by metric name, one line per probe, so `depth` shows every server's queue,
 * `load` every server's load, `latency.class1` every client's latency for class 1.
 */
export interface ReportFigure {
  name: string;
  value: number;
  expected?: number;
  unit?: string;
  /** Half-width of the 95 % confidence interval, for replicated runs. */
  ci95?: number;
}

export interface ReportInput {
  title: string;
  /** Lines under the title: config, instantiation, seed, simulated time… */
  facts: string[];
  figures: ReportFigure[];
  metrics: ComponentMetrics[] | null;
}

export interface Series {
  probe: string;
  metric: string;
  /** Seconds. */
  times: number[];
  values: Array<number | null>;
}

const PS_PER_S = 1e12;

/** Every time series in a run's metrics (statistics shaped { times, values }). */
export function collectSeries(metrics: readonly ComponentMetrics[]): Series[] {
  const out: Series[] = [];
  for (const m of metrics) {
    for (const [metric, stat] of Object.entries(m.stats)) {
      const s = stat as { times?: unknown; values?: unknown };
      if (!s || !Array.isArray(s.times) || !Array.isArray(s.values)) continue;
      out.push({ probe: m.path, metric, times: s.times.map((t: number) => t / PS_PER_S), values: s.values as Array<number | null> });
    }
  }
  return out;
}

/** series.csv: probe,metric,time_s,value (one row per sample; empty value where none was defined). */
export function seriesCsv(series: readonly Series[]): string {
  const rows = ['probe,metric,time_s,value'];
  for (const s of series) {
    s.times.forEach((t, i) => {
      const v = s.values[i];
      rows.push(`${csvField(s.probe)},${csvField(s.metric)},${t},${v === null || v === undefined || !Number.isFinite(v) ? '' : v}`);
    });
  }
  return rows.join('\n') + '\n';
}

export function csvField(x: string): string {
  return /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}

/** Writes report.html (and series.csv when there are series) into the run directory. */
export function writeReport(dir: string, input: ReportInput): void {
  mkdirSync(dir, { recursive: true });
  const series = input.metrics ? collectSeries(input.metrics) : [];
  if (series.length > 0) writeAtomic(join(dir, 'series.csv'), seriesCsv(series));
  writeAtomic(join(dir, 'report.html'), reportHtml(input, series));
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return x.toLocaleString('en');
  return x.toPrecision(5);
}

/** Axis labels: short, with SI prefixes for large or small values. */
function tickLabel(x: number): string {
  const a = Math.abs(x);
  if (a === 0) return '0';
  for (const [f, p] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (a >= f) return `${+(x / f).toPrecision(3)}${p}`;
  if (a < 1e-3) return x.toExponential(1);
  return String(+x.toPrecision(3));
}

/** "Nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** One line chart: a line per series, shared axes, legend below. */
export function chartSvg(title: string, lines: readonly Series[], width = 720, height = 260): string {
  const pad = { l: 56, r: 12, t: 24, b: 32 };
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = 0;
  let y1 = -Infinity;
  for (const s of lines) {
    s.times.forEach((t, i) => {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      x0 = Math.min(x0, t);
      x1 = Math.max(x1, t);
      y0 = Math.min(y0, v);
      y1 = Math.max(y1, v);
    });
  }
  if (!Number.isFinite(x0)) return `<p>${esc(title)}: no samples</p>`;
  if (x1 === x0) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const yTicks = ticks(y0, y1);
  y1 = Math.max(y1, yTicks[yTicks.length - 1]!);
  const X = (t: number) => pad.l + ((t - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (v: number) => height - pad.b - ((v - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  const parts: string[] = [];
  parts.push(`<text x="${pad.l}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`);
  for (const v of yTicks) {
    parts.push(`<line x1="${pad.l}" x2="${width - pad.r}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${pad.l - 4}" y="${(Y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end">${tickLabel(v)}</text>`);
  }
  for (const t of ticks(x0, x1, 8)) {
    parts.push(`<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${pad.t}" y2="${height - pad.b}" stroke="#eee"/>`);
    parts.push(`<text x="${X(t).toFixed(1)}" y="${height - pad.b + 14}" font-size="10" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  parts.push(`<text x="${(width + pad.l) / 2}" y="${height - 4}" font-size="10" text-anchor="middle">time (s)</text>`);
  lines.forEach((s, k) => {
    // Gaps (no value) break the line rather than joining across them.
    let d = '';
    let pen = false;
    s.times.forEach((t, i) => {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${X(t).toFixed(1)},${Y(v).toFixed(1)}`;
      pen = true;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="1.3"/>`);
  });
  const legend = lines.map((s, k) => `<span style="color:${COLOURS[k % COLOURS.length]}">■</span> ${esc(s.probe)}`).join(' &nbsp; ');
  return `<figure><svg viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">${parts.join('')}</svg><figcaption>${legend}</figcaption></figure>`;
}

export function reportHtml(input: ReportInput, series: readonly Series[]): string {
  const rows = input.figures
    .map((f) => {
      const unit = f.unit ? ` ${esc(f.unit)}` : '';
      const ci = f.ci95 === undefined ? '' : ` ± ${num(f.ci95)}`;
      const exp = f.expected === undefined ? '<td></td><td></td>' : `<td>${num(f.expected)}${unit}</td><td>${(((f.value - f.expected) / f.expected) * 100).toFixed(2)} %</td>`;
      return `<tr><td>${esc(f.name)}</td><td>${num(f.value)}${ci}${unit}</td>${exp}</tr>`;
    })
    .join('\n');
  const byMetric = new Map<string, Series[]>();
  for (const s of series) {
    const list = byMetric.get(s.metric) ?? [];
    list.push(s);
    byMetric.set(s.metric, list);
  }
  const charts = [...byMetric.entries()].map(([metric, lines]) => chartSvg(metric, lines)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}figure{margin:1.5em 0}figcaption{font-size:12px}</style>
</head><body>
<h1>${esc(input.title)}</h1>
${input.facts.map((f) => `<div>${esc(f)}</div>`).join('\n')}
${rows ? `<h2>Figures</h2><table><tr><th>figure</th><th>value</th><th>theory</th><th>error</th></tr>\n${rows}</table>` : ''}
${charts ? `<h2>Time series</h2>${charts}` : '<p>No probes recorded time series in this run.</p>'}
</body></html>
`;
}
