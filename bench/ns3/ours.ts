/** Our side of the harness: the scenario's System routed, instantiated and run in one instance. */
import type { ComponentMetrics } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';
import type { System } from '@splitsim/system';
import { flowsOf } from './spec.ts';

/** What both sides report for one run. */
export interface Outcome {
  /** Per flow, in flowsOf() order: payload bytes acknowledged (TCP) and completion time in ps (finite TCP flows, null if unfinished). */
  tcp: Array<{ bytes: number; fct: number | null }>;
  /** Payload bytes the UDP sinks received, all flows together. */
  udpBytes: number;
  /** Packets dropped at switch ports, and at the hosts' own queues. */
  drops: number;
  hostDrops: number;
  marks: number;
  /** Retransmission timeouts, all TCP senders together. */
  timeouts: number;
  /** Seconds of wall time for the run itself (setup not counted). */
  wall: number;
}

export function runOurs(system: System, until: number): Outcome {
  const plan = instantiate(system, { models: [{ kind: 'host', model: 'host.protocol' }, { kind: 'switch', model: 'switch.packet' }] }, { config: system.name, instantiation: 'ns3-compare', seed: 1 });
  const { metrics, wallSeconds } = completed(runSequential(plan, { until }));
  return outcome(system, metrics, wallSeconds);
}

function outcome(system: System, metrics: ComponentMetrics[], wall: number): Outcome {
  const byPath = new Map(metrics.map((m) => [m.path, m.stats as Record<string, unknown>]));
  const num = (path: string, stat: string) => (byPath.get(path)?.[stat] as number | undefined) ?? 0;
  const flows = flowsOf(system).filter((f) => f.kind === 'tcp');
  const senders = new Set<string>();
  for (const f of flows) {
    if (senders.has(f.src)) throw new Error(`${f.src}: one TCP flow per host, so that its figures are the flow's`);
    senders.add(f.src);
  }
  const tcp = flows.map((f) => {
    const done = byPath.get(f.src)?.tcpFlowCompletion as { count: number; mean: number } | undefined;
    return { bytes: num(f.src, 'tcpAckedBytes'), fct: done && done.count > 0 ? done.mean : null };
  });
  let udpBytes = 0;
  let drops = 0;
  let hostDrops = 0;
  let marks = 0;
  let timeouts = 0;
  for (const m of metrics) {
    const s = m.stats as Record<string, number | undefined>;
    udpBytes += s.udpReceivedBytes ?? 0;
    timeouts += s.tcpTimeouts ?? 0;
    if (m.model === 'switch.packet') {
      drops += s.drops ?? 0;
      marks += s.ecnMarks ?? 0;
    } else hostDrops += s.drops ?? 0;
  }
  return { tcp, udpBytes, drops, hostDrops, marks, timeouts, wall };
}
