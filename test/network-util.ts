/** Helpers for the network tests: instantiate a system with the network models and run it sequentially. */
import type { ComponentMetrics } from '@splitsim/kernel';
import { builtinCatalog, instantiate, type ModelRule, type PartitionFn } from '@splitsim/instantiation';
import { buildInstance, completed, runSequential } from '@splitsim/runtime';
import type { System } from '@splitsim/system';

export interface NetRun {
  metrics: ComponentMetrics[];
  now: number;
  events: number;
}

/** Instantiates (host.protocol + switch.packet unless rules say otherwise; the network step routes) and runs to `until` ps. */
export function runNetwork(system: System, until: number, options: { seed?: number; models?: ModelRule[]; partition?: PartitionFn; maxEvents?: number } = {}): NetRun {
  const plan = instantiate(system, {
    models: options.models ?? [{ kind: 'host', model: 'host.protocol' }, { kind: 'switch', model: 'switch.packet' }],
    ...(options.partition ? { partition: options.partition } : {}),
  }, { config: system.name, instantiation: 'test', seed: options.seed ?? 1 });
  const { metrics, result } = completed(runSequential(plan, { until, ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }) }));
  return { metrics, now: result.now, events: result.events };
}

/** Sum of a counter statistic over the components whose model is `model` (all when undefined). */
export function total(metrics: ComponentMetrics[], stat: string, model?: string): number {
  let s = 0;
  for (const m of metrics) {
    if (model !== undefined && m.model !== model) continue;
    const v = m.stats[stat];
    if (typeof v === 'number') s += v;
  }
  return s;
}

export function stat<T = Record<string, number>>(metrics: ComponentMetrics[], path: string, name: string): T {
  const m = metrics.find((x) => x.path === path);
  if (!m) throw new Error(`no component ${path}`);
  return m.stats[name] as T;
}

/** One loss-recovery episode of a connection, as watched event by event. */
export interface Episode {
  /** When it began and ended (ps); end is Infinity if the run ended first. */
  start: number;
  end: number;
  /** The connection's smoothed RTT when it began (ps). */
  srtt: number;
  /** Bytes outstanding when it began (sndMax - sndUna). */
  outstanding: number;
  /** Whether it ended by the retransmission timer rather than by an acknowledgement. */
  timedOut: boolean;
}

interface WatchedConn {
  inRecovery: boolean;
  srtt: number;
  cwnd: number;
  ssthresh: number;
  sndUna: number;
  sndMax: number;
}

/**
 * Routes, instantiates and runs `system` in one instance event by event, watching the first TCP
 * connection of host `path` (a host.protocol), and returns its recovery episodes. White-box: it
 * reads the host's TCP state, which no metric carries per episode.
 */
export function recoveries(system: System, path: string, until: number): { episodes: Episode[]; metrics: ComponentMetrics[] } {
  const plan = instantiate(system, { models: [{ kind: 'host', model: 'host.protocol' }, { kind: 'switch', model: 'switch.packet' }] }, { config: system.name, instantiation: 'test', seed: 1 });
  const { engine } = buildInstance({ ...plan, instances: [{ id: 0, name: 'all', components: plan.components.map((c) => c.id), placement: { kind: 'thread' } }], links: plan.links.map((l) => ({ ...l, channel: null })), channels: [] }, 0, builtinCatalog());
  const host = engine.components[engine.contexts.findIndex((c) => c.path === path)] as unknown as { stack?: { tcp?: { connections: readonly WatchedConn[] } } };
  const tcp = host.stack?.tcp;
  if (!tcp) throw new Error(`${path}: no TCP stack to watch (host.protocol's stack.tcp)`);
  engine.start();
  const episodes: Episode[] = [];
  let open: Episode | null = null;
  while (engine.runBefore(until + 1, 1) === 1) {
    const c = tcp.connections[0];
    if (!c) continue;
    if (open === null && c.inRecovery) {
      open = { start: engine.now, end: Infinity, srtt: c.srtt, outstanding: c.sndMax - c.sndUna, timedOut: false };
      episodes.push(open);
    } else if (open !== null && !c.inRecovery) {
      open.end = engine.now;
      // Recovery ends with cwnd = ssthresh; a timeout ends it with a one-segment window below ssthresh.
      open.timedOut = c.cwnd < c.ssthresh;
      open = null;
    }
  }
  engine.finish();
  return { episodes, metrics: engine.metrics() };
}
