import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { advise, type Advice, type AdviceContext } from './advice.ts';
import { measureCosts } from './costs.ts';
import { DEFAULT_MACHINE, type Machine } from './machine.ts';
import { rebalance } from './rebalance.ts';
import { layoutEngine, toDot, type DotOptions } from './dot.ts';
import { findBottlenecks, type FindingsOptions, type NeighbourWait } from './findings.ts';
import { toHtml } from './html.ts';
import { computeMetrics, type InstanceFigures, type MetricsOptions, type SpeedFigures } from './metrics.ts';
import { readRun } from './read-run.ts';
import { renderSvg } from './svg.ts';
import { buildWtpg, wtpgJson, type Wtpg } from './wtpg.ts';

/**
 * Post-processing of a profiled run, as `splitsim profile <run-dir>` does it and as the runtime
 * calls it at the end of a run with `--profile`: read the logs, drop warm-up and cool-down
 * samples, compute speed and efficiency, build the WTPG, name the bottleneck, and write
 * wtpg.json, wtpg.dot, wtpg.svg and wtpg.html into the run directory.
 */
export interface ProfileOptions extends MetricsOptions, FindingsOptions, DotOptions {
  /** Write the output files (default true); false computes the summary only. */
  write?: boolean;
  /** Machine figures for the rebalance advice; default DEFAULT_MACHINE. */
  machine?: Machine;
}

export interface ProfileSummary {
  dir: string;
  config: string | null;
  instantiation: string | null;
  /** From run.json, when present. */
  runStatus: string | null;
  speed: SpeedFigures;
  balanced: boolean;
  /** Largest minus smallest wait share. */
  spread: number;
  bottlenecks: string[];
  idle: string[];
  waitingOn: Record<string, NeighbourWait[]>;
  instances: InstanceFigures[];
  advice: Advice[];
  notes: string[];
  /** Paths written; null when `write` was false. */
  outputs: { json: string; dot: string; svg: string; html: string } | null;
}

/** Analyses a run directory without writing anything or drawing: the figures, the graph, the findings. */
export function analyseRun(dir: string, options: ProfileOptions = {}): { summary: ProfileSummary; graph: Wtpg } {
  const run = readRun(dir);
  const metrics = computeMetrics(run, options);
  const findings = findBottlenecks(metrics.instances, options);
  const advice = advise(metrics, findings, adviceContext(dir, run.logs[0]?.samples.at(-1)?.cost?.cores ?? null, options));
  const labels = { config: run.plan?.config ?? null, instantiation: run.plan?.instantiation ?? null };
  const graph = buildWtpg(metrics, findings, labels);
  const summary: ProfileSummary = {
    dir,
    ...labels,
    runStatus: run.runStatus,
    speed: metrics.speed,
    balanced: findings.balanced,
    spread: findings.spread,
    bottlenecks: findings.bottlenecks,
    idle: findings.idle,
    waitingOn: findings.waitingOn,
    instances: metrics.instances,
    advice,
    notes: metrics.notes,
    outputs: null,
  };
  return { summary, graph };
}

/**
 * With version 2 logs and plan.json, what rebalance would propose for the run's own cores, to
 * name components in the advice; null when the costs cannot be had (version 1 logs, no plan).
 */
function adviceContext(dir: string, cores: number | null, options: ProfileOptions): AdviceContext | null {
  if (cores === null) return null;
  const machine = options.machine ?? DEFAULT_MACHINE;
  try {
    const costs = measureCosts(dir, options);
    return {
      dir,
      cores,
      sameCount: costs.instances.length > 1 ? rebalance(costs, { cores, machine, instances: costs.instances.length }) : null,
      best: rebalance(costs, { cores, machine }),
    };
  } catch {
    // The advice is a bonus: a run whose costs cannot be read still gets its WTPG.
    return { dir, cores, sameCount: null, best: null };
  }
}

/**
 * Analyses the run directory and writes wtpg.json, wtpg.dot, wtpg.svg and wtpg.html into it;
 * returns the summary (`summaryText(summary)` is what `splitsim profile` prints). Throws a
 * ProfileError, naming file and line, when the logs cannot be read.
 */
export async function profileRun(dir: string, options: ProfileOptions = {}): Promise<ProfileSummary> {
  const { summary, graph } = analyseRun(dir, options);
  if (options.write !== false) {
    const outputs = { json: join(dir, 'wtpg.json'), dot: join(dir, 'wtpg.dot'), svg: join(dir, 'wtpg.svg'), html: join(dir, 'wtpg.html') };
    const dot = toDot(graph, options);
    const svg = await renderSvg(dot, layoutEngine(graph, options));
    summary.outputs = outputs;
    const metrics = { instances: summary.instances, speed: summary.speed, notes: summary.notes };
    writeFileSync(outputs.json, JSON.stringify(wtpgJson(graph, metrics, summary, summary.advice), null, 1) + '\n');
    writeFileSync(outputs.dot, dot);
    writeFileSync(outputs.svg, svg);
    writeFileSync(outputs.html, toHtml(graph, svg, summary));
  }
  return summary;
}
