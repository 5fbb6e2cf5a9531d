/**
 * `npm run bench -- raft [--nodes 5] [--rate 20000] [--seconds 30] [--seed 1] [--observer] [--json]`
 *
 * configs/raft.ts in one instance under steady load (Poisson client requests, no faults), built
 * exactly as `splitsim run` builds it (config → its model module @splitsim/protocols → plan →
 * engine), timed from the first event to the last: client requests per wall minute. By default
 * the safety observer is left out (it receives every committed entry and keeps the whole history;
 * `--observer` keeps it). The last line with --json has requests, wallSec, requestsPerWallMinute
 * and meanCommitLatencyMs.
 */
import { join } from 'node:path';
import { instantiate } from '@splitsim/instantiation';
import { completed, loadConfig, runSequential } from '@splitsim/runtime';
import { SEC } from '@splitsim/kernel';
import { pooled } from '@splitsim/protocols';
import { raftSystem } from '../configs/raft.ts';
import { benchArgs } from './args.ts';

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { nodes: 5, rate: 20_000, seconds: 30, seed: 1, observer: false });
  const { config, catalog } = await loadConfig(join(import.meta.dirname, '..', 'configs', 'raft.ts'));
  const params = config.params.parse({ nodes: o.nodes, rate: o.rate, stop: `${o.seconds}s`, observer: o.observer }) as Parameters<typeof raftSystem>[0];
  const t0 = performance.now();
  const system = raftSystem(params);
  const plan = instantiate(system, config.instantiations.one!(system, params), { config: 'raft', instantiation: 'one', seed: o.seed, catalog });
  const t1 = performance.now();
  const { result, metrics, wallSeconds } = completed(runSequential(plan, { catalog, until: (o.seconds + 1) * SEC }));
  const client = metrics.find((m) => m.path === 'client')!.stats as Record<string, any>;
  const commit = pooled(metrics, (p) => p.startsWith('node'), 'commitLatency');
  const requests = client.answered as number;
  const out = {
    bench: 'raft',
    nodes: o.nodes,
    rate: o.rate,
    simulatedSec: o.seconds,
    requests,
    sent: client.sent,
    events: result.events,
    eventsPerRequest: result.events / requests,
    wallSec: wallSeconds,
    setupSec: (t1 - t0) / 1000,
    requestsPerWallMinute: (requests / wallSeconds) * 60,
    meanCommitLatencyMs: commit.mean / 1e9,
    meanClientLatencyMs: client.latency.mean / 1e9,
    observer: o.observer,
  };
  if (o.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`Raft, ${o.nodes} servers, ${o.rate.toLocaleString('en')} requests/s for ${o.seconds} s simulated, seed ${o.seed}${o.observer ? ', with the observer' : ''}`);
  console.log(`  requests answered       ${requests.toLocaleString('en')} of ${client.sent.toLocaleString('en')} sent`);
  console.log(`  wall                    ${wallSeconds.toFixed(2)} s (${result.events.toLocaleString('en')} events, ${(result.events / requests).toFixed(1)} per request)`);
  console.log(`  requests per wall minute ${(out.requestsPerWallMinute / 1e6).toFixed(2)} M`);
  console.log(`  mean commit latency     ${out.meanCommitLatencyMs.toFixed(3)} ms (client ${out.meanClientLatencyMs.toFixed(3)} ms)`);
}
