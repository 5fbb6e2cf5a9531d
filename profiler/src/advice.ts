import type { Findings } from './findings.ts';
import type { Metrics } from './metrics.ts';
import { percent, speedShort } from './format.ts';
import { patternNames, type Proposal } from './rebalance.ts';

/**
 * What to try next, from the findings. Every instance advances at the same speed, so the share of
 * wall time an instance computes (its efficiency: neither waiting nor in the channels) stands for
 * its work per unit of simulated time:
 * - a bottleneck computing k times as much as the median other instance carries k times its
 *   work, so splitting it into up to k instances lets the run go up to k times faster (on fewer
 *   cores than instances, waiting instances that spin take cycles from it and k comes out high:
 *   its event count relative to the others is given beside it as a check); below 1.5× the
 *   surplus is moved to the neighbours that wait for it instead;
 * - two neighbours whose busy shares (1 - wait share: computing and channel work) add up to less
 *   than the bottleneck's can share one instance without slowing the run, which frees a core.
 */
export type AdviceKind = 'split' | 'move' | 'merge' | 'balanced' | 'single' | 'efficiency' | 'speed' | 'cores' | 'rebalance';

/**
 * What version 2 logs add to the advice: the cores the run had, and the partition `splitsim
 * rebalance` would propose for them (from the same costs), whose moves name the components.
 */
export interface AdviceContext {
  dir: string;
  /** Cores the machine offered the run, from the logs; null for version 1 logs. */
  cores: number | null;
  /** rebalance() for those cores and the run's instance count; null without costs. */
  sameCount: Proposal | null;
  /** rebalance() for those cores, any instance count. */
  best: Proposal | null;
}

export interface Advice {
  kind: AdviceKind;
  /** The instances the advice is about. */
  instances: string[];
  text: string;
}

/** Merged load must stay this far below the bottleneck's, so that the merge does not make a new one. */
const MERGE_HEADROOM = 0.9;
const MAX_MERGES = 3;
/** Below this much of the typical instance's work, moving components beats splitting the bottleneck. */
const SPLIT_RATIO = 1.5;

export function advise(metrics: Metrics, findings: Findings, context: AdviceContext | null = null): Advice[] {
  const out = adviseFromWaits(metrics, findings, context);
  if (context !== null) contextAdvice(out, metrics, context);
  // Last: it is about how firm the speed figure is, not about the partition.
  if (!metrics.speed.agree) {
    out.push({
      kind: 'speed',
      instances: [],
      text: `for a firmer speed figure, profile a longer run or drop fewer samples: the instances' own figures differ by ${percent(metrics.speed.spread)} (${speedShort(metrics.speed.min)} to ${speedShort(metrics.speed.max)}) because their windows cover slightly different parts of the run`,
    });
  }
  return out;
}

/** What version 2 logs add: too many instances for the cores, a shared machine (first), the rebalance proposal. */
function contextAdvice(out: Advice[], metrics: Metrics, context: AdviceContext): void {
  const k = metrics.instances.length;
  if (context.cores !== null && k > context.cores) {
    out.unshift({
      kind: 'cores',
      instances: [],
      text: `${k} instances ran on ${context.cores} cores: instances without a core wait for one at every lookahead, and count as busy meanwhile (this profile overstates their work); at most ${context.cores} instances, one per core, are usually faster here`,
    });
  }
  const best = context.best;
  const others = best?.current.otherLoad ?? 0;
  if (others >= 0.5) {
    out.unshift({
      kind: 'cores',
      instances: [],
      text: `the machine was shared: about ${others.toFixed(1)} threads of other programs were ready to run beside this run's (schedstat), so every instance waited for a core too; compare runs made under the same load`,
    });
  }
  if (best) {
    const gain = best.current.speed > 0 ? best.prediction.speed / best.current.speed : 1;
    out.push({
      kind: 'rebalance',
      instances: best.candidate.groups.map((g) => g.name),
      text:
        `splitsim rebalance ${context.dir}${context.cores !== null ? ` --cores ${context.cores}` : ''} proposes ${best.candidate.groups.length} instance(s), ` +
        `${gain >= 1.005 ? `predicted ${gain.toFixed(2)}× this partition's speed on ${context.cores ?? '?'} cores` : 'no faster partition than this one'} (cost model; writes partition.json for \`splitsim run --partition-file\`)`,
    });
  }
}

/** Names what moves: the first moves of the same-count proposal as paths and globs. */
function movesText(context: AdviceContext | null, from: string): string {
  const moves = context?.sameCount?.moves.filter((m) => m.from === from) ?? [];
  if (moves.length === 0) return '';
  const parts = moves.slice(0, 3).map((m) => {
    const names = patternNames(m.patterns, context!.sameCount!.paths);
    return `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} to ${m.to}`;
  });
  return ` Measured costs say: move ${parts.join('; ')}${moves.length > 3 ? `; ${moves.length - 3} more moves` : ''}.`;
}

function adviseFromWaits(metrics: Metrics, findings: Findings, context: AdviceContext | null): Advice[] {
  const out: Advice[] = [];
  const all = metrics.instances;
  const byName = new Map(all.map((i) => [i.instance, i]));
  const busy = (name: string) => 1 - byName.get(name)!.waitShare;

  if (all.length === 1) {
    out.push({ kind: 'single', instances: [all[0]!.instance], text: 'a single instance waits for no one: nothing to balance; to use more cores, partition the system into several instances' });
    return out;
  }
  if (findings.balanced) {
    const effs = all.map((i) => i.efficiency).sort((a, b) => a - b);
    const medianEff = effs[effs.length >> 1]!;
    out.push({
      kind: 'balanced',
      instances: [],
      text: `no instance stands out (wait shares within ${percent(findings.spread)} of each other): the partition is balanced; a faster run needs more instances on more cores, or less work per instance`,
    });
    if (medianEff < 0.5) {
      out.push({
        kind: 'efficiency',
        instances: [],
        text: `the median instance spends ${percent(1 - medianEff)} of its wall time in channels: more instances have stopped paying; fewer, larger instances may run as fast on fewer cores`,
      });
    }
    return out;
  }

  const named = new Set(findings.bottlenecks);
  const others = all.filter((i) => !named.has(i.instance)).map((i) => i.efficiency).sort((a, b) => a - b);
  const typical = others[others.length >> 1] ?? 0;
  const componentsOthers = all.filter((i) => !named.has(i.instance) && i.components !== null).map((i) => i.components!).sort((a, b) => a - b);
  const eventsOthers = all.filter((i) => !named.has(i.instance)).map((i) => i.eventsPerSecond).sort((a, b) => a - b);
  const typicalEvents = eventsOthers[eventsOthers.length >> 1] ?? 0;
  for (const b of findings.bottlenecks) {
    const inst = byName.get(b)!;
    const load = typical > 0 ? inst.efficiency / typical : Infinity;
    const comps = inst.components;
    const held = comps !== null && componentsOthers.length > 0 ? ` It holds ${comps} components, the median other instance ${componentsOthers[componentsOthers.length >> 1]}.` : '';
    const waiters = findings.waitingOn[b] ?? [];
    const fed =
      waiters.length === 0 ? '' : waiters.length === 1 ? ` Its neighbour ${waiters[0]!.neighbour} waits ${percent(waiters[0]!.waitShare)} of its wall time for it.` : ` ${waiters.length} neighbours wait for it, up to ${percent(waiters[0]!.waitShare)} of their wall time.`;
    const events = typicalEvents > 0 ? ` (and executes ${(inst.eventsPerSecond / typicalEvents).toFixed(1)}× their events)` : '';
    const work = `it computes ${percent(inst.efficiency)} of its wall time, the median other instance ${percent(typical)}, so it does about ${Number.isFinite(load) ? load.toFixed(1) : 'many'}× their work${events}`;
    if (load >= SPLIT_RATIO) {
      const parts = Number.isFinite(load) ? Math.max(2, Math.round(load)) : 2;
      const cores = context?.cores ?? null;
      const room = cores === null ? 'as free cores allow' : all.length >= cores ? `but the run already has ${all.length} instances on ${cores} cores: move its surplus to the others instead` : `with ${cores} cores, up to ${cores - all.length + 1}`;
      out.push({ kind: 'split', instances: [b], text: `split ${b}: ${work}; split it into up to ${parts} instances, ${room}.${held}${fed}${movesText(context, b)}` });
    } else {
      // A small surplus is better moved to the neighbours than split off into an instance of its own.
      const share = 1 - 1 / load;
      const count = comps !== null ? ` (about ${Math.max(1, Math.round(comps * share))} of its ${comps})` : '';
      const to = waiters.slice(0, 3).map((w) => w.neighbour).join(', ');
      out.push({
        kind: 'move',
        instances: [b, ...waiters.slice(0, 3).map((w) => w.neighbour)],
        text:
          `rebalance ${b}: ${work}; move about ${percent(share)} of its components${count} to ${to ? `the instances that wait most for it (${to})` : 'its neighbours'}.${movesText(context, b)} ` +
          'If the next run names another instance, the difference lies in the machine (cores, clock), not in the partition.',
      });
    }
  }

  const limit = Math.max(...findings.bottlenecks.map(busy)) * MERGE_HEADROOM;
  const pairs: { a: string; b: string; load: number }[] = [];
  const seen = new Set<string>();
  for (const inst of all) {
    if (named.has(inst.instance)) continue;
    for (const c of inst.channels) {
      if (named.has(c.peer) || !byName.has(c.peer)) continue;
      const key = [inst.instance, c.peer].sort().join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      const load = busy(inst.instance) + busy(c.peer);
      if (load <= limit) pairs.push({ a: inst.instance, b: c.peer, load });
    }
  }
  pairs.sort((x, y) => x.load - y.load || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  const used = new Set<string>();
  const merges = [];
  for (const p of pairs) {
    if (used.has(p.a) || used.has(p.b)) continue;
    used.add(p.a);
    used.add(p.b);
    merges.push(p);
  }
  for (const p of merges.slice(0, MAX_MERGES)) {
    out.push({
      kind: 'merge',
      instances: [p.a, p.b],
      text: `merge ${p.a} and ${p.b}: neighbours busy ${percent(busy(p.a))} and ${percent(busy(p.b))}; together (${percent(p.load)}) they stay below the bottleneck, so the run keeps its speed on one core fewer`,
    });
  }
  if (merges.length > MAX_MERGES) {
    out.push({ kind: 'merge', instances: merges.slice(MAX_MERGES).flatMap((p) => [p.a, p.b]), text: `${merges.length - MAX_MERGES} more pairs of idle neighbours could be merged the same way (see wtpg.json)` });
  }
  return out;
}
