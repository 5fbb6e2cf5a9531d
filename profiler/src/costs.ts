import { ProfileError, type ProfileProblem } from './errors.ts';
import type { CostSample } from './read-log.ts';
import { readRun } from './read-run.ts';
import { readTopology, type Topology } from './topology.ts';
import { alignWindows, trimSamples, type TrimOptions } from './trim.ts';

/**
 * What a profiled run measured about the cost of each component and link, as rates per simulated
 * second, so that another partition of the same system can be priced (cost-model.ts) and proposed
 * (rebalance.ts). From a version 2 log, over the same trimmed and aligned window as the WTPG:
 *
 * - An instance's compute time is its wall time less waiting and channel work (rx, tx, sync),
 *   and no more than its share of its thread's CPU time (schedstat: a thread ready without a
 *   core is not working). Its components cost their events at their model's sampled cost per
 *   event, scaled down where the sample overstates the compute time.
 * - Events that exist only because a link is cut (`extra`) are not a component's own cost: their
 *   share goes, with the tx time, to the cut messages sent, so that a partition that cuts nothing
 *   is priced without them.
 */
export interface ComponentCost {
  id: number;
  path: string;
  kind: string;
  model: string;
  /** Compute time, ns per simulated second. */
  work: number;
  /** Events (counted), per simulated second. */
  events: number;
}

export interface LinkCost {
  id: number;
  a: number;
  b: number;
  latency: number;
  /** May not be cut: noCut, or zero latency. */
  fixed: boolean;
  silent: 'a' | 'b' | 'both' | null;
  /** Messages per simulated second, both directions. */
  msgs: number;
  /** Bytes per message where the link was cut in the profiled run, else null. */
  bytesPerMsg: number | null;
}

/** Per-message channel costs measured in the run (null where it cut nothing). */
export interface MeasuredChannelCosts {
  /** Receiving a message: decoding it and queueing its event, ns. (Null also for a run with more instances than cores.) */
  rxNsPerMsg: number;
  /** Sending one: publishing it and the extra events its cut link costs the sender, ns. */
  txNsPerMsg: number;
  /** One sync message, sent and published, ns. */
  syncNsPerMsg: number;
  placement: 'thread' | 'process';
}

export interface RunCosts {
  dir: string;
  topology: Topology;
  /** Cores the machine offered the profiled run. */
  cores: number;
  /** Simulated seconds per wall second over the window (median over instances). */
  measuredSpeed: number;
  components: ComponentCost[];
  links: LinkCost[];
  /** ns per event, from the timed sample, by model. */
  models: Record<string, { nsPerEvent: number; sampled: number }>;
  channel: MeasuredChannelCosts | null;
  /**
   * Compute time an instance spends per lookahead window beyond its events (the loop: polling,
   * publishing, stepping), ns: the median over instances; null when the run had no channel that
   * carries promises.
   */
  windowNs: number | null;
  /**
   * Other threads that competed for the cores during the run (other programs, another run),
   * estimated from how much of the time the run's threads were ready they got a core:
   * a share φ = cpu / (cpu + run queue) with r of them runnable on c cores means about
   * c / φ − r others. 0 on an idle machine; null without schedstat, and for a run with more
   * instances than cores.
   */
  otherLoad: number | null;
  instances: { name: string; components: number[]; placement: string; computeNs: number; overheadNs: number; waitShare: number; runqueueShare: number | null }[];
  notes: string[];
}

export function measureCosts(dir: string, options: TrimOptions = {}): RunCosts {
  const run = readRun(dir);
  const topology = readTopology(dir);
  const problems: ProfileProblem[] = [];
  const windows = [];
  const notes: string[] = [];
  for (const log of run.logs) {
    const t = trimSamples(log, options);
    if ('problem' in t) problems.push(t.problem);
    else windows.push(t.window);
    const first = log.samples[0];
    if (first && !first.cost) problems.push({ code: 'E_PROFILE_VERSION', file: log.file, line: first.line, message: `log format version 1 has no component costs; profile the run again with this version (writes version 2)` });
  }
  if (problems.length > 0) throw new ProfileError(problems);
  const aligned = options.align === false ? windows : alignWindows(run.logs, windows).windows;

  const n = topology.components.length;
  const eventsOf = new Float64Array(n);
  const extraOf = new Float64Array(n);
  const linkMsgs = new Float64Array(topology.links.length);
  const linkBytes = new Float64Array(topology.links.length);
  const sampledNs = new Map<string, number>();
  const sampled = new Map<string, number>();
  const computeOf = new Map<string, number>();
  const instances: RunCosts['instances'] = [];
  let rxNs = 0, rxMsgs = 0, txNs = 0, txMsgs = 0, syncNs = 0, syncMsgs = 0;
  let cores = 1;
  let placement: 'thread' | 'process' = 'thread';
  const speeds: number[] = [];
  const sims: number[] = [];
  let cpuAll = 0;
  let runqueueAll = 0;
  let wallAll = 0;
  let schedstat = true;

  run.logs.forEach((log, k) => {
    const { first, last } = aligned[k]!;
    const a = first.cost as CostSample;
    const b = last.cost as CostSample;
    cores = b.cores;
    if (b.placement === 'process') placement = 'process';
    const wall = last.wallNs - first.wallNs;
    const sim = (last.simPs - first.simPs) / 1e12;
    speeds.push(sim / (wall / 1e9));
    sims.push(sim);
    const runqueue = a.runqueueNs !== undefined && b.runqueueNs !== undefined ? Math.min(wall, b.runqueueNs - a.runqueueNs) : null;
    const cpu = a.cpuNs !== undefined && b.cpuNs !== undefined ? b.cpuNs - a.cpuNs : null;
    if (cpu === null || runqueue === null) schedstat = false;
    else (cpuAll += cpu, runqueueAll += runqueue, wallAll += wall);
    // A channel span that lost its core meanwhile counts the lost time too: the per-message
    // figures take the share of ready time the thread had a core (1 on an idle machine).
    const onCore = cpu !== null && runqueue !== null && cpu + runqueue > 0 ? cpu / (cpu + runqueue) : 1;
    let inChannels = 0;
    let wait = 0;
    last.channels.forEach((c, j) => {
      const s = first.channels.find((x) => x.channel === c.channel) ?? first.channels[j]!;
      wait += c.waitNs - s.waitNs;
      inChannels += c.waitNs - s.waitNs + c.rxNs - s.rxNs + c.txNs - s.txNs + c.syncNs - s.syncNs;
      rxNs += (c.rxNs - s.rxNs) * onCore;
      rxMsgs += c.rxMsgs - s.rxMsgs;
      txNs += (c.txNs - s.txNs) * onCore;
      txMsgs += c.txMsgs - s.txMsgs;
      syncNs += (c.syncNs - s.syncNs) * onCore;
      syncMsgs += c.syncMsgs - s.syncMsgs;
    });
    const channelWork = inChannels - wait;
    const busy = Math.max(0, wall - inChannels);
    // Ready but without a core is not work. A thread that loses its core in the middle of a
    // span (an event, a poll) has the lost time counted in that span's wall time, compute and
    // channel work alike: so the thread's CPU time, shared between the two in proportion to
    // their wall time, bounds compute from above too (CPU time also holds spinning while
    // blocked, so neither bound is exact; the smaller is the closer one).
    const compute = cpu !== null ? Math.max(0, Math.min(busy, (cpu * busy) / Math.max(1, busy + channelWork))) : runqueue === null ? busy : busy * (1 - runqueue / wall);
    computeOf.set(log.instance, sim > 0 ? compute / sim : 0);
    const ids = b.components.ids;
    ids.forEach((id, j) => {
      eventsOf[id]! += (b.components.events[j]! - a.components.events[j]!) / (sim || 1);
      extraOf[id]! += (b.components.extra[j]! - a.components.extra[j]!) / (sim || 1);
    });
    b.links.ids.forEach((id, j) => {
      if (id < linkMsgs.length) {
        linkMsgs[id]! += (b.links.msgs[j]! - a.links.msgs[j]!) / (sim || 1);
        linkBytes[id]! += (b.links.txBytes[j]! - a.links.txBytes[j]!) / (sim || 1);
      }
    });
    for (const [model, m] of Object.entries(b.models)) {
      const m0 = a.models[model] ?? { sampled: 0, sampledNs: 0 };
      sampledNs.set(model, (sampledNs.get(model) ?? 0) + m.sampledNs - m0.sampledNs);
      sampled.set(model, (sampled.get(model) ?? 0) + m.sampled - m0.sampled);
    }
    const inst = topology.instances.find((i) => i.name === log.instance);
    instances.push({ name: log.instance, components: inst?.components ?? ids, placement: b.placement, computeNs: compute / (sim || 1), overheadNs: 0, waitShare: wall > 0 ? wait / wall : 0, runqueueShare: runqueue === null ? null : runqueue / wall });
  });

  // ns per event by model; a model never sampled counts as the mean of the others.
  const models: RunCosts['models'] = {};
  let totalNs = 0, totalSampled = 0;
  for (const [m, s] of [...sampled.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (s > 0) models[m] = { nsPerEvent: sampledNs.get(m)! / s, sampled: s };
    totalNs += sampledNs.get(m)!;
    totalSampled += s;
  }
  const fallbackNs = totalSampled > 0 ? totalNs / totalSampled : 1;
  const nsPerEvent = (model: string) => models[model]?.nsPerEvent ?? fallbackNs;

  // A component costs its events at its model's sampled cost per event, the same in every
  // instance. The sample runs an event alone after a pause (cold caches), so it can overstate:
  // then all instances' compute time, shared out the same way, is the cost (one scale for the
  // whole run, so that one instance's preemptions or loop do not make its components look
  // dearer than the same components elsewhere). What an instance computes beyond its components
  // is its loop (polling, publishing, a step per batch): it scales with synchronization, not with
  // components, and the cost model prices it per window.
  const work = new Float64Array(n);
  let extraNs = 0;
  let weightAll = 0;
  let computeAll = 0;
  for (const inst of instances) {
    computeAll += inst.computeNs;
    for (const id of inst.components) weightAll += (eventsOf[id]! + extraOf[id]!) * nsPerEvent(topology.components[id]!.model);
  }
  const scale = weightAll > 0 ? Math.min(1, computeAll / weightAll) : 0;
  for (const inst of instances) {
    let own = 0;
    for (const id of inst.components) {
      const w = nsPerEvent(topology.components[id]!.model) * scale;
      work[id] = eventsOf[id]! * w;
      extraNs += extraOf[id]! * w;
      own += (eventsOf[id]! + extraOf[id]!) * w;
    }
    // Components that executed nothing in a run that did: the instance's time is its own.
    if (weightAll === 0 && inst.components.length > 0) for (const id of inst.components) work[id] = inst.computeNs / inst.components.length;
    else inst.overheadNs = Math.max(0, inst.computeNs - own);
  }
  const perSecond = windowsOf(topology);
  let otherLoad: number | null = null;
  if (schedstat && cpuAll + runqueueAll > 0 && wallAll > 0) {
    const share = cpuAll / (cpuAll + runqueueAll);
    // Threads of this run ready on average (running or queued), over the mean window.
    const ready = ((cpuAll + runqueueAll) / wallAll) * instances.length;
    otherLoad = Math.max(0, cores / Math.max(share, 1e-3) - Math.max(ready, 1e-3));
    // A thread that gets nearly all it asks for says the machine was idle: not a fraction of a thread.
    if (share > 0.95) otherLoad = 0;
    // With more instances than cores, the run's own threads wake in bursts and queue behind each
    // other: the estimate then counts them as others (measured: 40 where runs of one or two
    // instances said 10 under the same load). Unknown, rather than wrong.
    if (instances.length > cores) otherLoad = null;
  }
  const sim = median(sims);
  if (!(sim > 0)) notes.push('no simulated time passed in the window: costs are zero');
  const txMsgRate = txMsgs / (sim || 1);
  // With more instances than cores, a channel span holds the time its thread waited for a core:
  // per-message figures from such a run say more about the scheduler than the channel.
  const channel: MeasuredChannelCosts | null =
    txMsgs > 0 && rxMsgs > 0 && instances.length <= cores
      ? { rxNsPerMsg: rxNs / rxMsgs, txNsPerMsg: (txNs / (sim || 1) + extraNs) / txMsgRate, syncNsPerMsg: syncMsgs > 0 ? syncNs / syncMsgs : 0, placement }
      : null;

  return {
    dir,
    topology,
    cores,
    measuredSpeed: median(speeds),
    components: topology.components.map((c) => ({ id: c.id, path: c.path, kind: c.kind, model: c.model, work: work[c.id]!, events: eventsOf[c.id]! })),
    links: topology.links.map((l) => ({
      id: l.id, a: l.a, b: l.b, latency: l.latency, fixed: l.noCut || l.latency === 0, silent: l.silent,
      msgs: linkMsgs[l.id]!, bytesPerMsg: linkBytes[l.id]! > 0 && linkMsgs[l.id]! > 0 ? linkBytes[l.id]! / linkMsgs[l.id]! : null,
    })),
    models,
    channel,
    otherLoad,
    windowNs: perSecond > 0 && instances.length > 1 ? median(instances.map((i) => i.overheadNs / perSecond)) : null,
    instances,
    notes,
  };
}

/** Lookahead windows per simulated second of a run's partition: 1 s over the shortest cut link that carries promises. */
function windowsOf(t: Topology): number {
  const instOf = new Map<number, number>();
  t.instances.forEach((inst, i) => inst.components.forEach((id) => instOf.set(id, i)));
  let shortest = Infinity;
  for (const l of t.links) if (instOf.get(l.a) !== instOf.get(l.b) && l.silent !== 'both' && l.latency > 0) shortest = Math.min(shortest, l.latency);
  return Number.isFinite(shortest) ? 1e12 / shortest : 0;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
