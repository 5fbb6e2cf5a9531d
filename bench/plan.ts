/**
 * `npm run bench -- plan [--blocks 5 --racks 6 --hosts 40 --rounds 7 --warmup 3] [--json]`
 *
 * The datacenter of configs/datacenter.ts (default 1200 hosts): for every instantiation, the time
 * to build the system (topology, traffic, routes) and to resolve and validate its plan
 * (kinds, models, routes, partition, channels, placement), as `splitsim plan` does.
 */
import { instantiate } from '@splitsim/instantiation';
import config from '../configs/datacenter.ts';
import { benchArgs } from './args.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { blocks: 5, racks: 6, hosts: 40, rounds: 7, warmup: 3 });
  const params = config.params.parse({ blocks: o.blocks, racksPerBlock: o.racks, hostsPerRack: o.hosts });
  const results: Array<{ name: string; instances: number; channels: number; cutLinks: number; buildMs: number; planMs: number; totalMs: number; minTotalMs: number }> = [];
  let components = 0;
  let links = 0;
  // Warm-up rounds let the JIT settle before anything is counted; each strategy gets more of its own.
  for (let r = 0; r < o.warmup; r++) {
    const system = config.system(params);
    instantiate(system, config.instantiations.s!(system, params), { config: 'datacenter', instantiation: 's', seed: 1 });
  }
  for (const [name, build] of Object.entries(config.instantiations)) {
    const buildMs: number[] = [];
    const planMs: number[] = [];
    let shape = { instances: 0, channels: 0, cutLinks: 0 };
    for (let r = 0; r < o.warmup + o.rounds; r++) {
      const t0 = performance.now();
      const system = config.system(params);
      const t1 = performance.now();
      const plan = instantiate(system, build(system, params), { config: 'datacenter', instantiation: name, seed: 1 });
      const t2 = performance.now();
      if (r < o.warmup) continue;
      buildMs.push(t1 - t0);
      planMs.push(t2 - t1);
      components = plan.components.length;
      links = plan.links.length;
      shape = { instances: plan.instances.length, channels: plan.channels.length, cutLinks: plan.links.filter((l) => l.channel !== null).length };
    }
    const totals = buildMs.map((b, i) => b + planMs[i]!);
    results.push({ name, ...shape, buildMs: median(buildMs), planMs: median(planMs), totalMs: median(totals), minTotalMs: Math.min(...totals) });
  }
  const out = {
    bench: 'plan',
    hosts: o.blocks * o.racks * o.hosts,
    components,
    links,
    rounds: o.rounds,
    warmupRounds: o.warmup,
    strategies: results,
    maxTotalMs: Math.max(...results.map((r) => r.totalMs)),
  };
  if (o.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`datacenter: ${out.hosts} hosts, ${components} components, ${links} links; median of ${o.rounds} rounds after ${o.warmup} warm-up`);
  console.log('  strategy  instances  channels  cut links  build system  resolve+validate     total  (fastest)');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(8)}  ${String(r.instances).padStart(9)}  ${String(r.channels).padStart(8)}  ${String(r.cutLinks).padStart(9)}  ${r.buildMs.toFixed(1).padStart(9)} ms  ${r.planMs.toFixed(1).padStart(13)} ms  ${r.totalMs.toFixed(1).padStart(6)} ms  (${r.minTotalMs.toFixed(1)} ms)`);
  }
  console.log(`slowest strategy: ${out.maxTotalMs.toFixed(1)} ms`);
}
