/**
 * Vector clocks (the broker study's causality tracking, seed 002): processes multicast to each
 * other over links of different latencies, each message carrying its sender's vector clock, and
 * a checker at every process counts deliveries that break causality. Three groups of the same
 * processes, links and traffic, delivering three ways (models from @splitsim/protocols):
 *
 * - `none`: on receipt; where a message overtakes one of its causal past (a slow link, a delayed
 *   window) the checker flags it;
 * - `causal`: held back until causally ready; no violation, at the price of hold-back time;
 * - `total`: through a sequencer, in its order: no violation, and every process delivers the same
 *   sequence (equal digests), at the price of the hop through the sequencer.
 *
 *   splitsim run configs/causal.ts
 *   splitsim run configs/causal.ts --inst split --placement process
 */
import { z, defineConfig, manual, MS, parseTime, Rng, SEC, System, type ComponentMetrics, type Figure } from 'splitsim';
import { pooled, total } from '@splitsim/protocols';

const MODES = ['none', 'causal', 'total'] as const;
/** The slow windows, seconds: [at, at + 3). */
const WINDOWS = [10, 30];

const params = z
  .object({
    processes: z.number().int().min(2).max(16).default(4),
    /** Multicasts per second per process. */
    rate: z.number().positive().default(20),
    /** Link latencies are drawn once, uniformly in [latency, latency · (1 + spread)], from `latencySeed`. */
    latency: z.number().positive().default(1),
    spread: z.number().nonnegative().default(4),
    latencySeed: z.number().int().default(7),
    /** Windows when the link p0 → p1 (and to the sequencer) is slower by `delay` ms: reordering faults. */
    delay: z.number().nonnegative().default(20),
    modes: z.array(z.enum(MODES)).default([...MODES]),
    stop: z.union([z.string(), z.number()]).default('60s'),
  })
  .strict();

type Params = z.output<typeof params>;

/** Latency (ms) of the link between processes i < j, and from process i to the sequencer (j = n). */
function latencies(p: Params): number[][] {
  const rng = new Rng(p.latencySeed, 0);
  return Array.from({ length: p.processes }, () => Array.from({ length: p.processes + 1 }, () => p.latency * (1 + p.spread * rng.next())));
}

export function causalSystem(p: Params): System {
  const s = new System('causal');
  const lat = latencies(p);
  const ms = (x: number) => Math.round(x * MS);
  for (const mode of p.modes) {
    const procs = Array.from({ length: p.processes }, (_, i) => s.add('process', `${mode}/p${i}`, { index: i, processes: p.processes, rate: p.rate, stop: p.stop, delivery: mode }));
    const seq = mode === 'total' ? s.add('sequencer', `${mode}/sequencer`, { processes: p.processes }) : null;
    for (let i = 0; i < p.processes; i++) {
      for (let j = i + 1; j < p.processes; j++) {
        const link = s.link(procs[i]!.port(`peer${j}`), procs[j]!.port(`peer${i}`), { latency: ms(lat[i]![j]!) });
        if (i === 0 && j === 1 && p.delay > 0) for (const at of WINDOWS) s.faults.degrade(link, { at: `${at}s`, until: `${at + 3}s`, delay: `${p.delay}ms` });
      }
      if (seq) {
        const link = s.link(procs[i]!.port('sequencer'), seq.port(`process${i}`), { latency: ms(lat[i]![p.processes]!) });
        if (i === 0 && p.delay > 0) for (const at of WINDOWS) s.faults.degrade(link, { at: `${at}s`, until: `${at + 3}s`, delay: `${p.delay}ms` });
      }
    }
  }
  return s;
}

export function causalSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const lat = latencies(p);
  const n = p.processes;
  const link = (i: number, j: number) => (i < j ? lat[i]![j]! : lat[j]![i]!);
  // Mean send-to-delivery latency with no holding back, over ordered pairs (equal rates).
  let direct = 0;
  let viaSequencer = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) {
    direct += link(i, j);
    viaSequencer += lat[i]![n]! + lat[j]![n]!;
  }
  // The delay windows slow both directions of p0 ↔ p1 (2 of the n(n-1) pairs), and p0 ↔ sequencer
  // (p0's messages to all and all messages to p0: 2(n-1) of the n(n-1) pairs), for their share of the time.
  const stop = parseTime(p.stop, 'stop') / SEC;
  const share = WINDOWS.reduce((a, w) => a + Math.max(0, Math.min(3, stop - w)), 0) / stop;
  direct = direct / (n * (n - 1)) + ((2 / (n * (n - 1))) * share * p.delay);
  viaSequencer = viaSequencer / (n * (n - 1)) + ((2 * (n - 1)) / (n * (n - 1))) * share * p.delay;
  const figs: Figure[] = [];
  for (const mode of p.modes) {
    const mine = (path: string) => path.startsWith(`${mode}/p`);
    const l = pooled(metrics, mine, 'latency');
    const held = pooled(metrics, mine, 'holdBack');
    const digests = new Set(metrics.filter((m) => mine(m.path)).map((m) => m.stats.digest));
    figs.push({ name: `${mode}: causality violations${mode === 'none' ? '' : ' (must be 0)'}`, value: total(metrics, mine, 'violations') });
    figs.push({ name: `${mode}: delivery latency`, value: l.mean / MS, ...(mode === 'causal' ? {} : { expected: mode === 'none' ? direct : viaSequencer }), unit: 'ms' });
    if (mode === 'causal') figs.push({ name: `${mode}: mean hold-back`, value: held.mean / MS, unit: 'ms' });
    figs.push({ name: `${mode}: distinct delivery orders`, value: digests.size, ...(mode === 'total' ? { expected: 1 } : {}) });
  }
  return figs;
}

export default defineConfig({
  name: 'causal',
  description: 'Vector clocks: causality violations on receipt, causal hold-back, total order through a sequencer',
  modules: ['@splitsim/protocols'],
  params,
  system: causalSystem,
  instantiations: {
    one: () => ({ description: 'every process in one instance' }),
    split: () => ({ description: 'processes 0 and 2 of each group in one instance, the rest (and the sequencer) in another: the delayed links are cut', partition: manual({ a: ['*/p0', '*/p2'] }, { rest: 'b' }) }),
  },
  run: { until: '61s', seed: 1 },
  summary: causalSummary,
});
