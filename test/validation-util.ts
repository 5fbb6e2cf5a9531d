/**
 * Shared by the service-level validation tests: build a small system of service models, run it
 * in one engine, read statistics back in seconds.
 */
import { instantiate, type ModelRule } from '@splitsim/instantiation';
import { SEC, type ComponentMetrics } from '@splitsim/kernel';
import { serviceKinds } from '@splitsim/models';
import { completed, runSequential } from '@splitsim/runtime';
import { System } from '@splitsim/system';

export const serviceModels: ModelRule[] = [
  { kind: 'source', model: 'source.profile' },
  { kind: 'server', model: 'server.queue' },
  { kind: 'sink', model: 'sink.stats' },
  { kind: 'probe', model: 'probe.sampler' },
  { kind: 'network', match: '**transmitter', model: 'network.transmitter' },
  { kind: 'network', match: '**loss', model: 'network.loss' },
];

export function newSystem(name = 'test'): System {
  return new System(name, { kinds: serviceKinds });
}

export interface Ran {
  stats(path: string): Record<string, any>;
  metrics: ComponentMetrics[];
  /** Simulated seconds. */
  now: number;
  events: number;
}

export function run(system: System, seed: number, until?: string | number, models: ModelRule[] = serviceModels): Ran {
  const plan = instantiate(system, { models }, { config: system.name, instantiation: 'test', seed });
  const opts: Parameters<typeof runSequential>[1] = {};
  if (until !== undefined) opts.until = typeof until === 'number' ? until : Number(until);
  const r = completed(runSequential(plan, opts));
  const byPath = new Map(r.metrics.map((m) => [m.path, m.stats as Record<string, any>]));
  return {
    stats: (p) => {
      const s = byPath.get(p);
      if (!s) throw new Error(`no component ${p}`);
      return s;
    },
    metrics: r.metrics,
    now: r.result.now / SEC,
    events: r.result.events,
  };
}

/** source → server → sink with zero-latency links; returns the system. */
export function station(server: Record<string, unknown>, source: Record<string, unknown>, sink: Record<string, unknown> = {}): System {
  const s = newSystem('station');
  const src = s.add('source', 'source', source);
  const srv = s.add('server', 'server', server);
  const snk = s.add('sink', 'sink', sink);
  s.link(src.port('out'), srv.port('in'), { latency: 0 });
  s.link(srv.port('out'), snk.port('in'), { latency: 0 });
  return s;
}

export const secs = (ps: number) => ps / SEC;
