/**
 * `npm run bench -- plan [--hosts 1200] [--blocks B --racks R --per-rack 40] [--inst all|name,…]
 *  [--rounds 7 --warmup 3] [--json]`
 *
 * The datacenter of configs/datacenter.ts: for each instantiation, the time to build the system
 * (topology, traffic) and to resolve and validate its plan (kinds, models, routes, silent links,
 * partition, channels, placement), as `splitsim plan` does. `--hosts` is the total: blocks and
 * racks per block follow (40 hosts a rack, at most 63 racks a block and 63 blocks, the ports a
 * packet switch has), unless given. Past 2 000 hosts the default is the config's default
 * instantiation, one round and no warm-up; peak memory is the process's (run it alone).
 */
import { instantiate } from '@splitsim/instantiation';
import config from '../configs/datacenter.ts';
import { benchArgs } from './args.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Blocks × racks per block for about `hosts` hosts: a divisor of the racks nearest their square
 * root (exactly the hosts asked when one fits), both within a packet switch's 64 ports.
 */
export function shapeFor(hosts: number, perRack: number): { blocks: number; racks: number } {
  const racksTotal = Math.max(1, Math.ceil(hosts / perRack));
  const root = Math.sqrt(racksTotal);
  let blocks = 0;
  for (let b = 1; b <= 63; b++) if (racksTotal % b === 0 && racksTotal / b <= 63 && (blocks === 0 || Math.abs(b - root) < Math.abs(blocks - root))) blocks = b;
  if (blocks === 0) blocks = Math.min(63, Math.max(1, Math.round(root)));
  return { blocks, racks: Math.ceil(racksTotal / blocks) };
}

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { hosts: 0, blocks: 0, racks: 0, 'per-rack': 40, inst: '', rounds: -1, warmup: -1 });
  const hostsWanted = o.hosts || (o.blocks || o.racks ? 0 : 1200);
  const shape = hostsWanted ? shapeFor(hostsWanted, o['per-rack']) : { blocks: o.blocks || 5, racks: o.racks || 6 };
  if (o.blocks) shape.blocks = o.blocks;
  if (o.racks) shape.racks = o.racks;
  const hosts = shape.blocks * shape.racks * o['per-rack'];
  const large = hosts > 2000;
  const rounds = o.rounds >= 0 ? o.rounds : large ? 1 : 7;
  const warmup = o.warmup >= 0 ? o.warmup : large ? 0 : 3;
  const names = o.inst === '' ? (large ? [config.defaultInstantiation] : Object.keys(config.instantiations)) : o.inst === 'all' ? Object.keys(config.instantiations) : o.inst.split(',');
  for (const n of names) if (!config.instantiations[n]) throw new Error(`--inst: no instantiation "${n}" (available: ${Object.keys(config.instantiations).join(', ')})`);
  const params = config.params.parse({ blocks: shape.blocks, racksPerBlock: shape.racks, hostsPerRack: o['per-rack'] });
  const results: Array<{ name: string; instances: number; channels: number; cutLinks: number; buildMs: number; planMs: number; totalMs: number; minTotalMs: number }> = [];
  let components = 0;
  let links = 0;
  // Warm-up rounds let the JIT settle before anything is counted; each strategy gets more of its own.
  for (let r = 0; r < warmup; r++) {
    const system = config.system(params);
    instantiate(system, config.instantiations[names[0]!]!(system, params), { config: 'datacenter', instantiation: names[0]!, seed: 1 });
  }
  for (const name of names) {
    const build = config.instantiations[name]!;
    const buildMs: number[] = [];
    const planMs: number[] = [];
    let counts = { instances: 0, channels: 0, cutLinks: 0 };
    for (let r = 0; r < warmup + rounds; r++) {
      const t0 = performance.now();
      const system = config.system(params);
      const t1 = performance.now();
      const plan = instantiate(system, build(system, params), { config: 'datacenter', instantiation: name, seed: 1 });
      const t2 = performance.now();
      if (r < warmup) continue;
      buildMs.push(t1 - t0);
      planMs.push(t2 - t1);
      components = plan.components.length;
      links = plan.links.length;
      counts = { instances: plan.instances.length, channels: plan.channels.length, cutLinks: plan.links.filter((l) => l.channel !== null).length };
    }
    const totals = buildMs.map((b, i) => b + planMs[i]!);
    results.push({ name, ...counts, buildMs: median(buildMs), planMs: median(planMs), totalMs: median(totals), minTotalMs: Math.min(...totals) });
  }
  const out = {
    bench: 'plan',
    hosts,
    shape: { blocks: shape.blocks, racksPerBlock: shape.racks, hostsPerRack: o['per-rack'] },
    components,
    links,
    rounds,
    warmupRounds: warmup,
    strategies: results,
    maxTotalMs: Math.max(...results.map((r) => r.totalMs)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (o.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`datacenter: ${hosts} hosts (${shape.blocks} blocks × ${shape.racks} racks × ${o['per-rack']}), ${components} components, ${links} links; median of ${rounds} round(s) after ${warmup} warm-up`);
  console.log('  strategy  instances  channels  cut links  build system  resolve+validate     total  (fastest)');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(8)}  ${String(r.instances).padStart(9)}  ${String(r.channels).padStart(8)}  ${String(r.cutLinks).padStart(9)}  ${r.buildMs.toFixed(1).padStart(9)} ms  ${r.planMs.toFixed(1).padStart(13)} ms  ${r.totalMs.toFixed(1).padStart(6)} ms  (${r.minTotalMs.toFixed(1)} ms)`);
  }
  console.log(`slowest strategy: ${out.maxTotalMs.toFixed(1)} ms; peak memory (whole process) ${out.peakRssMB} MB`);
}
