/**
 * `npm run bench -- fattree --k 8 --mode rack --duration 20ms --instances 1 [--json]`
 *
 * The fat tree of configs/fattree.ts built exactly as `splitsim run` builds it (system →
 * routing → instantiation → plan → engine) and timed from the first event to the last; setup is
 * not timed; a parallel run (--instances n > 1, racks dealt over n instances) is timed from its
 * start signal, after the instances are up. Reports packets delivered to the sinks, packets
 * delivered per wall second and simulated seconds per wall second (median over the counted
 * rounds, after warm-up rounds that let the JIT settle). A parallel run's workers are new each
 * round, so their JIT starts cold (about 0.1 s of a 20 ms run): give scaling runs a longer
 * --duration (200ms).
 */
import { parseTime, toSeconds, type ComponentMetrics } from '@splitsim/kernel';
import { instantiate, type Group, type PartitionFn } from '@splitsim/instantiation';
import { runParallel, completed, runSequential } from '@splitsim/runtime';
import config, { fatTreeFigures } from '../configs/fattree.ts';
import { benchArgs } from './args.ts';

/**
 * `n` instances as in the paper's Figure 6: the racks dealt round-robin over the instances, the
 * core and aggregation switches with the first. Rack traffic stays in its instance; the channels
 * carry synchronization (and the perm workload's cross-pod packets).
 */
export function racksOver(n: number): PartitionFn {
  return (system) => {
    const groups: Group[] = Array.from({ length: n }, (_, i) => ({ name: `i${i}`, components: [] }));
    const racks = new Map<string, number>();
    for (const c of system.components) {
      const s = c.path.split('/');
      if (s.length < 3) groups[0]!.components.push(c.id);
      else {
        const rack = `${s[0]}/${s[1]}`;
        if (!racks.has(rack)) racks.set(rack, racks.size);
        groups[racks.get(rack)! % n]!.components.push(c.id);
      }
    }
    return groups.filter((g) => g.components.length > 0);
  };
}

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { k: 8, mode: 'rack', duration: '20ms', instances: 1, seed: 1, rounds: 3, warmup: 1 });
  const until = parseTime(o.duration, '--duration');
  const params = config.params.parse({ k: o.k, workload: o.mode });
  const rounds: Array<{ delivered: number; wall: number; events: number; dropped: number; simulated: number }> = [];
  for (let r = 0; r < o.warmup + o.rounds; r++) {
    const system = config.system(params);
    const inst = config.instantiations.single!(system, params);
    const partition = o.instances === 1 ? inst.partition : racksOver(o.instances);
    const plan = instantiate(system, { ...inst, ...(partition ? { partition } : {}) }, { config: 'fattree', instantiation: o.instances === 1 ? 'single' : `racks${o.instances}`, seed: o.seed });
    let metrics: ComponentMetrics[];
    let wallSeconds: number;
    let result: { events: number; now: number };
    if (o.instances === 1) ({ result, metrics, wallSeconds } = completed(runSequential(plan, { until })));
    else {
      const par = await runParallel(plan, { until });
      if (par.status !== 'completed' || !par.metrics) throw new Error(`parallel run ${par.status}: ${par.failure ? JSON.stringify(par.failure) : ''}`);
      ({ result, metrics } = { result: par.result, metrics: par.metrics });
      // Timed from the start signal, as the sequential run is timed from its first event.
      wallSeconds = par.runSeconds;
    }
    const f = fatTreeFigures(metrics);
    const round = { delivered: f.delivered, wall: wallSeconds, events: result.events, dropped: f.dropped, simulated: toSeconds(result.now) };
    const counted = r >= o.warmup;
    if (!o.json) {
      console.log(`${counted ? `round ${r - o.warmup + 1}` : 'warm-up'}: ${f.delivered.toLocaleString('en')} packets in ${wallSeconds.toFixed(3)} s wall, ${(f.delivered / wallSeconds / 1e3).toFixed(0)} k packets/s${counted ? '' : ' (not counted)'}`);
    }
    if (counted) rounds.push(round);
  }
  const median = <T>(f: (x: (typeof rounds)[number]) => number): number => rounds.map(f).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  const wall = median((x) => x.wall);
  const last = rounds[rounds.length - 1]!;
  const out = {
    bench: 'fattree',
    k: o.k,
    mode: o.mode,
    duration: o.duration,
    instances: o.instances,
    seed: o.seed,
    rounds: o.rounds,
    packetsDelivered: last.delivered,
    packetsDropped: last.dropped,
    wallSeconds: wall,
    packetsPerSec: last.delivered / wall,
    eventsPerSec: last.events / wall,
    simPerWall: last.simulated / wall,
  };
  if (o.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`fat tree k=${o.k}, ${o.mode}, ${o.duration} simulated, ${o.instances} instance${o.instances === 1 ? '' : 's'}`);
  console.log(`  packets delivered      ${out.packetsDelivered.toLocaleString('en')} (${out.packetsDropped} dropped)`);
  console.log(`  packets per wall second ${(out.packetsPerSec / 1e3).toFixed(0)} k (median wall time of ${o.rounds})`);
  console.log(`  events per wall second  ${(out.eventsPerSec / 1e6).toFixed(2)} M`);
  console.log(`  simulated per wall      ${(out.simPerWall * 1e3).toFixed(2)} ms/s`);
}
