import { MultiDirectedGraph } from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import type { Advice } from './advice.ts';
import { colourScale, waitColour, type ColourScale } from './colour.ts';
import type { Findings } from './findings.ts';
import { percent } from './format.ts';
import type { Metrics, SpeedFigures } from './metrics.ts';

/**
 * The wait-time profile graph: a node per instance, a pair of opposite edges per channel. Edge
 * A→B carries the share of A's wall time A spent waiting for B's promises; a node carries its
 * total wait share and efficiency, and a colour from red (waits least in this run: a bottleneck)
 * to green (waits most), on the run's own scale (colour.ts). It is a graphology graph, so wtpg.json is graphology's serialization and loads
 * back with `MultiDirectedGraph.from(json)`.
 */
export type Role = 'bottleneck' | 'idle' | 'other';

export interface WtpgNode {
  [key: string]: unknown;
  label: string;
  waitShare: number;
  efficiency: number;
  eventsPerSecond: number;
  rxShare: number;
  txShare: number;
  syncShare: number;
  speed: number;
  components: number | null;
  status: string | null;
  role: Role;
  color: string;
}

export interface WtpgEdge {
  [key: string]: unknown;
  channel: string;
  label: string;
  /** Share of the source instance's wall time spent waiting for the target. */
  waitShare: number;
  /** The source's receive, send and sync time on this channel, as shares of its wall time. */
  rxShare: number;
  txShare: number;
  syncShare: number;
  rxMsgs: number;
  txMsgs: number;
  syncMsgs: number;
}

export interface WtpgAttributes {
  [key: string]: unknown;
  config: string | null;
  instantiation: string | null;
  /** Simulated seconds per wall second. */
  speed: number;
  balanced: boolean;
  bottlenecks: string[];
  idle: string[];
  /** The wait shares node colours span: red at lo, green at hi (colour.ts). */
  colourScale: ColourScale;
}

export type Wtpg = MultiDirectedGraph<WtpgNode, WtpgEdge, WtpgAttributes>;

/** What wtpg.json holds: graphology's serialized graph plus the run's verdict at the top level. */
export type WtpgJson = SerializedGraph<WtpgNode, WtpgEdge, WtpgAttributes> & {
  version: 1;
  speed: SpeedFigures;
  bottlenecks: string[];
  idle: string[];
  balanced: boolean;
  advice: Advice[];
  notes: string[];
};

export function edgeKey(channel: string, from: string, to: string): string {
  return `${channel}:${from}->${to}`;
}

export function buildWtpg(metrics: Metrics, findings: Findings, labels: { config: string | null; instantiation: string | null }): Wtpg {
  // Multi, because nothing in the log format forbids two channels between one pair of instances.
  const graph: Wtpg = new MultiDirectedGraph<WtpgNode, WtpgEdge, WtpgAttributes>({ allowSelfLoops: false });
  const scale = colourScale(metrics.instances.map((i) => i.waitShare));
  graph.replaceAttributes({
    config: labels.config,
    instantiation: labels.instantiation,
    speed: metrics.speed.value,
    balanced: findings.balanced,
    bottlenecks: findings.bottlenecks,
    idle: findings.idle,
    colourScale: scale,
  });
  const bottlenecks = new Set(findings.bottlenecks);
  const idle = new Set(findings.idle);
  for (const i of metrics.instances) {
    graph.addNode(i.instance, {
      label: `${i.instance} (waits ${percent(i.waitShare)})`,
      waitShare: i.waitShare,
      efficiency: i.efficiency,
      eventsPerSecond: i.eventsPerSecond,
      rxShare: i.rxShare,
      txShare: i.txShare,
      syncShare: i.syncShare,
      speed: i.speed,
      components: i.components,
      status: i.status,
      role: bottlenecks.has(i.instance) ? 'bottleneck' : idle.has(i.instance) ? 'idle' : 'other',
      color: waitColour(i.waitShare, scale),
    });
  }
  for (const i of metrics.instances) {
    for (const c of i.channels) {
      graph.addDirectedEdgeWithKey(edgeKey(c.channel, i.instance, c.peer), i.instance, c.peer, {
        channel: c.channel,
        label: percent(c.waitShare),
        waitShare: c.waitShare,
        rxShare: c.rxShare,
        txShare: c.txShare,
        syncShare: c.syncShare,
        rxMsgs: c.rxMsgs,
        txMsgs: c.txMsgs,
        syncMsgs: c.syncMsgs,
      });
    }
  }
  return graph;
}

export function wtpgJson(graph: Wtpg, metrics: Metrics, findings: Findings, advice: Advice[]): WtpgJson {
  return {
    version: 1,
    ...graph.export(),
    speed: metrics.speed,
    bottlenecks: findings.bottlenecks,
    idle: findings.idle,
    balanced: findings.balanced,
    advice,
    notes: metrics.notes,
  };
}
