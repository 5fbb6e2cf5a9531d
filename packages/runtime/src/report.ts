import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentMetrics } from '@splitsim/kernel';
import type { Catalog, Plan } from '@splitsim/instantiation';
import { writeAtomic } from './atomic-write.ts';
import { showTime } from './format.ts';
import { distributionCharts } from './report-distributions.ts';
import { renderPage, type FigureRow, type Page, type Section } from './report-page.ts';
import { collectSeries, linksCsv, seriesCharts, seriesCsv, type PeerLookup, type Series } from './report-series.ts';
import { unitLookup, type UnitLookup } from './report-units.ts';
import { profileSection, type ReportProfile } from './report-profile.ts';

/**
 * report.html: the page a person opens after a run (report-page.ts): its facts, its headline
 * figures against theory, the time series its probes sampled, what a recorded run's links did,
 * its distributions, and the wait-time profile when it was profiled. Beside it, series.csv and
 * (recorded runs) links.csv hold the plotted samples with their units.
 */
/** A row of the figures table: the page's own (report-page.ts). */
export type ReportFigure = FigureRow;

export interface ReportInput {
  title: string;
  /** Under the title: "run", "5 replications"… */
  kind?: string;
  status?: Page['status'];
  /** Facts in the header: [label, value] (a bare string is shown as a fact of its own). */
  facts: Array<string | [string, string]>;
  params?: Record<string, unknown>;
  figures: ReportFigure[];
  figuresNote?: string;
  metrics: ComponentMetrics[] | null;
  /** For units: the models' declared statistics. */
  catalog?: Catalog;
  /** For link names and probe targets. */
  plan?: Plan;
  profile?: ReportProfile | null;
  /** Sections before the run's own (replications and sweeps put their figures' charts here). */
  sections?: Section[];
  /** Interval of a recorded run's link samples, for the section's introduction, ps. */
  recordInterval?: number;
}

export { csvField, collectSeries, seriesCsv, linksCsv, type Series } from './report-series.ts';
export type { ReportProfile } from './report-profile.ts';

/** The component at the other end of each port's link, from the plan. */
export function peerLookup(plan: Plan | undefined): PeerLookup {
  if (!plan) return () => undefined;
  const path = new Map(plan.components.map((c) => [c.id, c.path]));
  const peers = new Map<string, string>();
  for (const l of plan.links) {
    peers.set(`${path.get(l.a.component)}\u0000${l.a.port}`, path.get(l.b.component) ?? '');
    peers.set(`${path.get(l.b.component)}\u0000${l.b.port}`, path.get(l.a.component) ?? '');
  }
  return (component, port) => peers.get(`${component}\u0000${port}`);
}

/** The page's sections for one run's metrics: probes' series, links, distributions. */
export function metricSections(metrics: readonly ComponentMetrics[], catalog?: Catalog, plan?: Plan, recordInterval?: number, what = 'this run'): Section[] {
  return sectionsOf(metrics, collectSeries(metrics), unitLookup(catalog), peerLookup(plan), recordInterval, what);
}

/** metricSections from series, units and peers already at hand (writeReport writes the CSVs from the same). */
function sectionsOf(metrics: readonly ComponentMetrics[], series: readonly Series[], units: UnitLookup, peer: PeerLookup, recordInterval: number | undefined, what: string): Section[] {
  const isLink = (s: { statistic: string }) => s.statistic.startsWith('link.');
  const sections: Section[] = [];
  const probes = seriesCharts(series.filter((s) => !isLink(s)), units, peer, 'ts');
  if (probes.length) sections.push({ heading: 'Time series', intro: `What the probes of ${what} sampled; hover a chart for the values under the pointer.`, charts: probes });
  const links = seriesCharts(series.filter(isLink), units, peer, 'link');
  if (links.length) {
    const every = recordInterval ? ` every ${showTime(recordInterval)} of simulated time` : '';
    sections.push({ heading: 'Links', intro: `Recorded (--record)${every}: utilisation is the share of a link's bandwidth used over each interval, queue length the packets at the port then (links.csv has every link).`, charts: links });
  }
  const cdfs = distributionCharts(metrics, units);
  if (cdfs.length) sections.push({ heading: 'Distributions', intro: 'From the quantile sketches: the share of values at or below each value.', charts: cdfs });
  return sections;
}

/** Writes report.html, and series.csv / links.csv where there are samples, into `dir`. */
export function writeReport(dir: string, input: ReportInput): void {
  mkdirSync(dir, { recursive: true });
  const sections = [...(input.sections ?? [])];
  if (input.metrics) {
    const units = unitLookup(input.catalog);
    const peer = peerLookup(input.plan);
    const series = collectSeries(input.metrics);
    // No stale samples from an earlier run in the same directory.
    for (const [file, text] of [['series.csv', seriesCsv(series, units)], ['links.csv', linksCsv(series, peer)]] as const) {
      if (text) writeAtomic(join(dir, file), text);
      else rmSync(join(dir, file), { force: true });
    }
    sections.push(...sectionsOf(input.metrics, series, units, peer, input.recordInterval, 'this run'));
  }
  if (input.profile) sections.push(profileSection(input.profile));
  writeAtomic(join(dir, 'report.html'), reportHtml(input, sections));
}

export function reportHtml(input: ReportInput, sections: Section[]): string {
  const page: Page = {
    title: input.title,
    kind: input.kind ?? 'run',
    facts: input.facts.map((f) => (typeof f === 'string' ? ['', f] : f)),
    figures: input.figures,
    sections,
  };
  if (input.status) page.status = input.status;
  if (input.figuresNote) page.figuresNote = input.figuresNote;
  if (input.params) page.params = Object.entries(input.params).map(([k, v]) => [k, JSON.stringify(v) ?? 'undefined']);
  return renderPage(page);
}
