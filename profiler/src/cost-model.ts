import type { LinkCost, MeasuredChannelCosts, RunCosts } from './costs.ts';
import type { Machine } from './machine.ts';

/**
 * Predicts the simulation speed of a partition from the costs one profiled run measured
 * (costs.ts), on a machine of `cores` cores. Every instance advances at the speed of the run, so
 * the wall time of one simulated second is set by
 *
 * - compute: each instance's components' work, plus what its cut links cost it per message (a
 *   sender pays tx, a receiver rx), its sync messages and its loop's cost per lookahead window
 *   (measured in the profile, or the machine's windowNs); the run is as slow as the busiest
 *   instance, or as the total spread over the cores where instances outnumber them
 *   (T_cpu = max(max_i E_i, Σ E_i / cores));
 * - coupling: with conservative synchronization instances meet every lookahead (W = 1 s / the
 *   smallest lookahead among channels that carry promises). Up to one instance per core, each
 *   window costs a round trip plus the expected excess of the slowest instance's work in that
 *   window over its mean: burst × sqrt(events per window) × ns per event × E[max of k normals].
 *   Beyond one per core, every window takes turns on the cores: k / cores × switchNs.
 *
 * - other programs: where the profile says other threads competed for the cores (costs.otherLoad,
 *   L), each instance gets about cores / (L + min(k, cores)) of a core, and T_cpu grows by that.
 *
 * T = T_cpu + T_couple, speed = 1 s / T. The machine's figures are in machine.ts.
 */
export interface CandidateGroup {
  name: string;
  components: number[];
  placement: 'thread' | 'process';
}

export interface Candidate {
  name: string;
  groups: CandidateGroup[];
}

export interface InstancePrediction {
  name: string;
  components: number;
  /** ns of wall time per simulated second: components' work, channel messages, sync messages. */
  work: number;
  comm: number;
  sync: number;
  total: number;
}

export interface Prediction {
  candidate: string;
  instances: InstancePrediction[];
  cores: number;
  /** Simulated seconds per wall second. */
  speed: number;
  /** ns of wall time per simulated second, and its parts. */
  wallNs: number;
  cpuNs: number;
  couplingNs: number;
  /** Windows per simulated second (0 when no channel carries promises). */
  windows: number;
  /** Messages per simulated second over cut links. */
  cutMsgs: number;
  /** The instance that sets the pace (the busiest), or null when the cores do. */
  bottleneck: string | null;
  /** Other runnable threads assumed (see PredictOptions). */
  otherLoad: number;
}

/** Channel costs per message for a channel between placements: measured where the profiled run had such a channel, else the machine's. */
export function channelCosts(costs: RunCosts, machine: Machine, process: boolean): { rx: number; tx: number } {
  const m: MeasuredChannelCosts | null = costs.channel;
  if (m && (m.placement === 'process') === process) return { rx: m.rxNsPerMsg, tx: m.txNsPerMsg };
  return process ? { rx: machine.processRxNsPerMsg, tx: machine.processTxNsPerMsg } : { rx: machine.threadRxNsPerMsg, tx: machine.threadTxNsPerMsg };
}

export interface PredictOptions {
  /** Other runnable threads on the machine; default: as measured in the profiled run (costs.otherLoad), else 0. */
  otherLoad?: number;
}

export function predict(costs: RunCosts, candidate: Candidate, machine: Machine, cores: number, options: PredictOptions = {}): Prediction {
  const k = candidate.groups.length;
  const instOf = new Int32Array(costs.components.length).fill(-1);
  candidate.groups.forEach((g, i) => g.components.forEach((id) => (instOf[id] = i)));
  // Work measured in one instance costs more spread over several, and the other way round.
  const sourceParallel = costs.instances.length > 1;
  const scale = (k > 1 ? machine.parallelInflation : 1) / (sourceParallel ? machine.parallelInflation : 1);
  const work = new Float64Array(k);
  const events = new Float64Array(k);
  for (const c of costs.components) {
    const i = instOf[c.id]!;
    if (i < 0) continue;
    work[i]! += c.work * scale;
    events[i]! += c.events;
  }
  const comm = new Float64Array(k);
  const sync = new Float64Array(k);
  // Channels: the instance pair, its lookahead, whether promises flow, messages each way.
  const channels = new Map<number, { a: number; b: number; lookahead: number; coupled: boolean; process: boolean; ab: number; ba: number }>();
  let cutMsgs = 0;
  for (const l of costs.links) {
    const ia = instOf[l.a]!;
    const ib = instOf[l.b]!;
    if (ia === ib || ia < 0 || ib < 0) continue;
    const [lo, hi] = ia < ib ? [ia, ib] : [ib, ia];
    const key = lo * 65536 + hi;
    const process = candidate.groups[ia]!.placement === 'process' || candidate.groups[ib]!.placement === 'process';
    let ch = channels.get(key);
    if (!ch) channels.set(key, (ch = { a: lo, b: hi, lookahead: Infinity, coupled: false, process, ab: 0, ba: 0 }));
    ch.lookahead = Math.min(ch.lookahead, l.latency);
    if (l.silent !== 'both') ch.coupled = true;
    const { fromA, fromB } = split(l);
    // Messages from the link's a end to its b end travel lo→hi when a is in lo.
    if (ia === lo) (ch.ab += fromA, ch.ba += fromB);
    else (ch.ab += fromB, ch.ba += fromA);
    cutMsgs += l.msgs;
  }
  let windows = 0;
  for (const ch of channels.values()) {
    const { rx, tx } = channelCosts(costs, machine, ch.process);
    comm[ch.a]! += ch.ab * tx + ch.ba * rx;
    comm[ch.b]! += ch.ba * tx + ch.ab * rx;
    if (!ch.coupled || !(ch.lookahead > 0)) continue;
    const perSecond = 1e12 / ch.lookahead;
    windows = Math.max(windows, perSecond);
    // A sync is due when a lookahead passes without a message each way.
    sync[ch.a]! += Math.max(0, perSecond - ch.ab) * machine.syncNsPerMsg;
    sync[ch.b]! += Math.max(0, perSecond - ch.ba) * machine.syncNsPerMsg;
  }
  if (k > 1 && windows > 0) {
    const perWindow = costs.windowNs ?? machine.windowNs;
    for (let i = 0; i < k; i++) sync[i]! += windows * perWindow;
  }
  const instances: InstancePrediction[] = candidate.groups.map((g, i) => ({
    name: g.name, components: g.components.length, work: work[i]!, comm: comm[i]!, sync: sync[i]!, total: work[i]! + comm[i]! + sync[i]!,
  }));
  let busiest = 0;
  let sum = 0;
  instances.forEach((p, i) => {
    sum += p.total;
    if (p.total > instances[busiest]!.total) busiest = i;
  });
  const max = instances[busiest]?.total ?? 0;
  // Threads of other programs take their share of the cores: with L of them runnable, each of
  // our min(k, cores) instances gets about cores / (L + min(k, cores)) of a core.
  const others = options.otherLoad ?? costs.otherLoad ?? 0;
  const share = Math.min(1, cores / (others + Math.min(k, cores)));
  const cpuNs = Math.max(max, sum / Math.max(1, cores)) / share;
  let couplingNs = 0;
  if (windows > 0 && k > 1) {
    const anyProcess = candidate.groups.some((g) => g.placement === 'process');
    if (k <= cores) {
      const totalEvents = events.reduce((s, x) => s + x, 0);
      const totalWork = work.reduce((s, x) => s + x, 0);
      const nsPerEvent = totalEvents > 0 ? totalWork / totalEvents : 0;
      const eventsPerWindow = events[busiest]! / windows;
      const rtt = anyProcess ? machine.processRoundTripNs : machine.threadRoundTripNs;
      couplingNs = windows * (rtt + machine.burst * Math.sqrt(eventsPerWindow) * nsPerEvent * expectedMax(k));
    } else couplingNs = windows * (k / cores) * machine.switchNs;
  }
  const wallNs = cpuNs + couplingNs;
  return {
    candidate: candidate.name,
    instances,
    cores,
    speed: wallNs > 0 ? 1e9 / wallNs : Infinity,
    wallNs,
    cpuNs,
    couplingNs,
    windows: k > 1 ? windows : 0,
    cutMsgs,
    otherLoad: others,
    bottleneck: k > 1 && max >= sum / Math.max(1, cores) ? instances[busiest]!.name : k === 1 ? instances[0]?.name ?? null : null,
  };
}

/** Messages each way on a link: a silent end sends none; otherwise half each way. */
function split(l: LinkCost): { fromA: number; fromB: number } {
  if (l.silent === 'a') return { fromA: 0, fromB: l.msgs };
  if (l.silent === 'b') return { fromA: l.msgs, fromB: 0 };
  if (l.silent === 'both') return { fromA: 0, fromB: 0 };
  return { fromA: l.msgs / 2, fromB: l.msgs / 2 };
}

/** Expected maximum of k independent standard normal draws (Blom's approximation; 0 for one). */
export function expectedMax(k: number): number {
  if (k <= 1) return 0;
  return inverseNormal((k - 0.375) / (k + 0.25));
}

/** Inverse of the standard normal distribution function (Acklam's rational approximation, |error| < 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
