import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { showNumber } from './format.ts';
import type { ChartSpec } from './report-chart.ts';
import { CLIENT_JS } from './report-client.ts';

/**
 * report.html's page: the run's facts, its headline figures against theory, then sections of
 * charts. One self-contained file: uPlot, its style, the page's script and every number are
 * inlined, and nothing is loaded from anywhere, so it opens from disk, offline, years later.
 */
export interface FigureRow {
  name: string;
  value: number;
  unit?: string;
  /** Half-width of the 95 % confidence interval (replications). */
  ci95?: number;
  expected?: number;
  /** More detail: "n = 5, 0.061 … 0.067". */
  detail?: string;
}

export interface Section {
  heading: string;
  /** One or two sentences on what the charts show. */
  intro?: string;
  /** Trusted HTML built by the report (the WTPG). */
  html?: string;
  charts: ChartSpec[];
}

export interface Page {
  title: string;
  /** What kind of report, under the title: "run", "5 replications", "sweep over lambda". */
  kind: string;
  /** A one-line verdict under the title, e.g. the run's status. */
  status?: { text: string; tone: 'ok' | 'warn' | 'bad' };
  facts: Array<[string, string]>;
  params?: Array<[string, string]>;
  figures: FigureRow[];
  figuresNote?: string;
  sections: Section[];
}

export function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

let uplotFiles: { js: string; css: string } | null = null;
function uplot(): { js: string; css: string } {
  if (!uplotFiles) {
    const require = createRequire(import.meta.url);
    uplotFiles = { js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'), css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8') };
  }
  return uplotFiles;
}

function figuresTable(rows: readonly FigureRow[], note?: string): string {
  if (rows.length === 0) return '';
  const withTheory = rows.some((r) => r.expected !== undefined);
  const withDetail = rows.some((r) => r.detail);
  const head = `<tr><th>figure</th><th class="n">value</th>${withTheory ? '<th class="n">theory</th><th class="n">error</th>' : ''}${withDetail ? '<th>over the runs</th>' : ''}</tr>`;
  const body = rows.map((r) => {
    const unit = r.unit ? ` ${esc(r.unit)}` : '';
    const ci = r.ci95 === undefined ? '' : ` ± ${Number.isFinite(r.ci95) ? showNumber(r.ci95) : '∞'}`;
    let theory = '';
    if (withTheory) {
      if (r.expected === undefined) theory = '<td></td><td></td>';
      else {
        const err = (r.value - r.expected) / r.expected;
        const within = r.ci95 !== undefined && Number.isFinite(r.ci95) && Math.abs(r.value - r.expected) <= r.ci95;
        theory = `<td class="n">${showNumber(r.expected)}${unit}</td><td class="n${within ? ' ok' : ''}" title="${within ? 'theory lies inside the 95 % interval' : ''}">${Number.isFinite(err) ? `${(err * 100).toFixed(2)} %` : 'n/a'}</td>`;
      }
    }
    return `<tr><td>${esc(r.name)}</td><td class="n">${showNumber(r.value)}${ci}${unit}</td>${theory}${withDetail ? `<td>${esc(r.detail ?? '')}</td>` : ''}</tr>`;
  });
  return `<section><h2>Figures</h2>${note ? `<p class="note">${esc(note)}</p>` : ''}<table class="figures">${head}\n${body.join('\n')}</table></section>`;
}

function chartFigure(c: ChartSpec): string {
  return `<figure class="chart" id="${esc(c.id)}"><figcaption><b>${esc(c.title)}</b>${c.note ? `<span class="note"> · ${esc(c.note)}</span>` : ''}</figcaption>` +
    `<div class="frame"><div class="ylabel" title="${esc(c.yLabel)}">${esc(c.yLabel)}</div><div class="plot"></div></div><div class="xlabel">${esc(c.xLabel)}</div></figure>`;
}

export function renderPage(p: Page): string {
  const { js, css } = uplot();
  const charts = p.sections.flatMap((s) => s.charts);
  // `<` escaped so that no string in the data can end the script element.
  const data = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  const facts = p.facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  const params = p.params?.length ? `<details class="params"><summary>Parameters (${p.params.length})</summary><table>${p.params.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table></details>` : '';
  const sections = p.sections
    .map((s) => `<section><h2>${esc(s.heading)}</h2>${s.intro ? `<p class="note">${esc(s.intro)}</p>` : ''}${s.html ?? ''}${s.charts.length ? `<div class="grid">${s.charts.map(chartFigure).join('\n')}</div>` : ''}</section>`)
    .join('\n');
  const status = p.status ? `<div class="status ${p.status.tone}">${esc(p.status.text)}</div>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${css}</style>
<style>
  body { font: 14px/1.45 system-ui, Helvetica, Arial, sans-serif; margin: 0; color: #1a1a1a; background: #f7f7f5; }
  header { background: #fff; border-bottom: 1px solid #ddd; padding: 12px 22px 10px; }
  h1 { font-size: 21px; margin: 0; }
  .kind { color: #666; font-size: 13px; }
  main { padding: 6px 22px 30px; max-width: 1500px; }
  h2 { font-size: 16px; margin: 20px 0 6px; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 14px; margin: 10px 0 0; font-size: 13px; }
  dl.facts dt { color: #666; } dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
  .status { display: inline-block; margin-top: 6px; padding: 2px 10px; border-radius: 3px; font-size: 13px; }
  .status.ok { background: #e6f4e6; color: #1d5e1d; } .status.warn { background: #fff4d6; color: #6b4d00; } .status.bad { background: #fde2e0; color: #8a1010; }
  details.params { margin-top: 6px; font-size: 13px; } details.params table td { padding: 0 12px 0 0; font-family: ui-monospace, monospace; }
  table.figures { border-collapse: collapse; background: #fff; font-size: 13px; }
  table.figures td, table.figures th { padding: 3px 12px; border-bottom: 1px solid #e4e4e4; text-align: left; }
  table.figures .n { text-align: right; font-variant-numeric: tabular-nums; } td.ok { color: #1d5e1d; }
  .note { color: #666; font-size: 12px; margin: 2px 0 8px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; }
  figure.chart { margin: 0; background: #fff; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px 10px 6px; min-width: 0; }
  figure.chart figcaption { font-size: 13px; margin-bottom: 4px; }
  .frame { display: flex; align-items: stretch; }
  .ylabel { writing-mode: vertical-rl; transform: rotate(180deg); text-align: center; font-size: 12px; color: #333; padding-right: 2px; max-height: 240px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
  .plot { flex: 1 1 auto; min-width: 0; }
  .xlabel { text-align: center; font-size: 12px; color: #333; margin-top: -2px; }
  .u-legend { font-size: 12px; text-align: left; } .u-legend .u-series > * { padding: 1px 4px; } .u-legend th { font-weight: normal; }
  .wtpg { display: flex; gap: 18px; align-items: flex-start; flex-wrap: wrap; }
  .wtpg .graph { flex: 1 1 520px; background: #fff; border: 1px solid #e0e0e0; border-radius: 4px; padding: 4px; max-width: 900px; }
  .wtpg .graph svg { width: 100%; height: auto; max-height: 520px; display: block; }
  .wtpg .words { flex: 1 1 320px; }
  .verdict { padding: 6px 10px; border-radius: 4px; background: #fff; border-left: 5px solid #999; }
  .verdict.bad { border-left-color: #c0392b; } .verdict.ok { border-left-color: #2a8a2a; }
</style>
</head><body>
<header><h1>${esc(p.title)}</h1><div class="kind">${esc(p.kind)}</div>${status}<dl class="facts">${facts}</dl>${params}</header>
<main>
${figuresTable(p.figures, p.figuresNote)}
${sections || '<p class="note">No probes or recordings in this run: nothing to plot. Probes (probe.sampler) record time series; `splitsim run --record` records every link and distribution.</p>'}
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${js}</script>
<script>${CLIENT_JS}</script>
</body></html>
`;
}
