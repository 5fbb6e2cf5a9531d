/**
 * `npm run bench -- mixed-fidelity --duration 20ms --shares 0,10,50,100 --seeds 1 [--json]`
 *
 * The sweep behind docs/mixed-fidelity.md: configs/mixed-fidelity.ts at each share of detailed
 * hosts, the clients' total throughput, its deviation from the 100 % detailed run, the instances
 * the `split` instantiation uses (one per detailed host and per NIC, plus the network), and the
 * cost of simulating it in one instance here: events and wall seconds.
 */
import { parseTime, SEC } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';
import config, { clientThroughput, detailedHosts } from '../configs/mixed-fidelity.ts';
import { benchArgs } from './args.ts';

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { duration: '20ms', shares: '0,10,50,100', seeds: '1', congestion: 'reno' });
  const until = parseTime(o.duration, '--duration');
  const shares = o.shares.split(',').map(Number);
  const seeds = o.seeds.split(',').map(Number);
  const rows: Array<{ detailed: number; seed: number; detailedHosts: number; gbps: number; instances: number; events: number; wallSeconds: number }> = [];
  for (const share of shares) {
    for (const seed of share === 0 || share === 100 ? [seeds[0]!] : seeds) {
      const p = config.params.parse({ detailed: share, pickSeed: seed, congestion: o.congestion });
      const system = config.system(p);
      const plan = instantiate(system, config.instantiations.split!(system, p), { config: 'mixed-fidelity', instantiation: 'split', seed: 1 });
      const { metrics, result, wallSeconds } = completed(runSequential(plan, { until }));
      const row = { detailed: share, seed, detailedHosts: detailedHosts(p).size, gbps: clientThroughput(metrics, until) / 1e9, instances: plan.instances.length, events: result.events, wallSeconds };
      rows.push(row);
      if (!o.json) console.error(`${share} % (seed ${seed}): ${row.gbps.toFixed(2)} Gbps, ${row.instances} instances, ${row.events.toLocaleString('en')} events, ${wallSeconds.toFixed(2)} s`);
    }
  }
  const reference = rows.find((r) => r.detailed === 100)?.gbps;
  const out = rows.map((r) => ({ ...r, deviation: reference ? r.gbps / reference - 1 : null }));
  if (o.json) {
    console.log(JSON.stringify({ bench: 'mixed-fidelity', duration: o.duration, simulatedSeconds: until / SEC, rows: out }));
    return;
  }
  console.log('| detailed hosts | pick seed | throughput (Gbps) | deviation from 100 % | instances (split) | events | wall (s, one instance) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of out) {
    const dev = r.deviation === null ? '–' : `${(r.deviation * 100).toFixed(1)} %`;
    console.log(`| ${r.detailed} % (${r.detailedHosts}) | ${r.seed} | ${r.gbps.toFixed(2)} | ${dev} | ${r.instances} | ${r.events.toLocaleString('en')} | ${r.wallSeconds.toFixed(2)} |`);
  }
}
