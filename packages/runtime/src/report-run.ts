import type { Catalog, Figure } from '@splitsim/instantiation';
import { showRate, showSpeed, showTime, showWall } from './format.ts';
import { writeReport, type ReportInput } from './report.ts';
import { reportProfile, type ProfileFacts } from './report-profile.ts';
import type { RunRecord } from './run-directory.ts';

/**
 * report.html of one `splitsim run`: the facts a reader needs to trust and repeat it (config,
 * parameters, instantiation, seed, instances, how far it got and how fast), then the figures and
 * charts (report.ts).
 */
export interface RunReportOptions {
  run: RunRecord;
  config: string;
  instantiation: string;
  seed: number;
  params?: Record<string, unknown>;
  figures: Figure[];
  catalog?: Catalog;
  /** --until, ps. */
  until?: number;
  /** Profile interval, ns of wall time, when the run was profiled. */
  profileNs?: number;
  /** The profiler's summary when the run was profiled (profileRun's result). */
  profile?: ProfileFacts | null;
}

const HOW: Record<string, string> = { until: 'reached the end time', empty: 'no events left', maxEvents: 'event limit reached', interrupted: 'interrupted', failed: 'failed', stopped: 'stopped by a component' };

export function writeRunReport(dir: string, o: RunReportOptions): void {
  const { run } = o;
  const { result, plan } = run;
  const simulating = Number(run.extra?.runSeconds ?? run.wallSeconds);
  const speed = simulating > 0 ? result.now / 1e12 / simulating : NaN;
  const slowdown = speed > 0 && speed < 1 ? ` (${Math.round(1 / speed).toLocaleString('en')}× slower than real time)` : '';
  const placement = run.extra?.placement ? String(run.extra.placement) : 'one engine';
  const facts: Array<[string, string]> = [
    ['config', o.config],
    ['instantiation', `${o.instantiation}: ${plan.instances.length} instance(s), ${placement}`],
    ['seed', String(o.seed)],
    ['components', `${plan.components.length.toLocaleString('en')} (${plan.links.length.toLocaleString('en')} links, ${plan.channels.length} channels)`],
    ['simulated', `${showTime(result.now)}${o.until !== undefined ? ` of ${showTime(o.until)}` : ''}`],
    ['wall time', `${showWall(run.wallSeconds)}${run.extra?.runSeconds !== undefined ? ` (${showWall(simulating)} simulating)` : ''}`],
    ['speed', `${showSpeed(speed)} simulated per wall second${slowdown}`],
    ['events', `${result.events.toLocaleString('en')} (${showRate(simulating > 0 ? result.events / simulating : NaN)})`],
  ];
  if (plan.record) facts.push(['recorded', `links every ${showTime(plan.record.interval)}, distributions`]);
  const profileNs = o.profileNs ?? Number(run.extra?.profileIntervalNs ?? 0);
  if (profileNs > 0) facts.push(['profiled', `every ${showWall(profileNs / 1e9)} of wall time`]);
  facts.push(['written', new Date().toISOString().replace('T', ' ').replace(/\..*/, ' UTC')]);
  const reason = result.reason === 'stopped' && result.message ? result.message : HOW[result.reason] ?? result.reason;
  const input: ReportInput = {
    title: `${o.config}/${o.instantiation}`,
    kind: 'run report',
    status: { text: `${run.status}: ${reason}`, tone: run.status === 'completed' ? 'ok' : run.status === 'interrupted' ? 'warn' : 'bad' },
    facts,
    figures: o.figures,
    metrics: run.metrics,
    plan,
  };
  if (o.params) input.params = o.params;
  if (o.catalog) input.catalog = o.catalog;
  if (plan.record) input.recordInterval = plan.record.interval;
  if (o.profile) input.profile = reportProfile(dir, o.profile);
  writeReport(dir, input);
}
