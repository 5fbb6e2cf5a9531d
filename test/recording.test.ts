/**
 * `--record`: the network models sample every link and keep flow completion times only when a
 * run asks, and recording changes nothing else: every statistic of the unrecorded run comes out
 * the same, in one engine and partitioned; the recorded series agree across partitions too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { US, type ComponentMetrics } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, recordSettings, runParallel, runSequential, withRecord } from '@splitsim/runtime';
import config from '../configs/datacenter.ts';

// Finite flows, so that some complete within the run and have a completion time.
const small = { blocks: 2, racksPerBlock: 2, hostsPerRack: 4, detailedHosts: 2, sendingShare: 0.5, bulkBytes: 30_000 };
const until = 300 * US;

function plan(inst: string) {
  const p = config.params.parse(small);
  const system = config.system(p);
  return instantiate(system, config.instantiations[inst]!(system, p), { config: 'datacenter', instantiation: inst, seed: 1 });
}

const RECORDED = /^link\.|Quantiles$/;

/** The statistics a run without recording has, with the distributions a recorded run adds taken out again. */
function unrecorded(metrics: readonly ComponentMetrics[]): ComponentMetrics[] {
  return metrics.map((m) => {
    const stats: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.stats)) {
      if (/^link\./.test(k) || k === 'tcpFlowCompletionQuantiles') continue;
      if (v && typeof v === 'object' && 'cdf' in v) {
        const { cdf: _, ...rest } = v as Record<string, unknown>;
        stats[k] = rest;
      } else stats[k] = v;
    }
    return { ...m, stats };
  });
}

test('recording adds link series, flow completion and latency distributions, and changes no other statistic', async () => {
  const off = completed(runSequential(plan('s'), { until })).metrics;
  assert.ok(!off.some((m) => Object.keys(m.stats).some((k) => RECORDED.test(k) && k !== 'rpcLatencyQuantiles')), 'nothing recorded unless asked');
  const record = recordSettings('10us', until);
  const on = completed(runSequential(withRecord(plan('s'), record), { until })).metrics;
  assert.equal(JSON.stringify(unrecorded(on)), JSON.stringify(off));

  const core = on.find((m) => m.path === 'core')!.stats as Record<string, { times: number[]; values: number[] }>;
  const util = core['link.p0.util']!;
  assert.equal(util.times.length, 30, 'a sample every 10 µs up to 300 µs');
  assert.equal(util.times[0], 10 * US);
  assert.ok(util.values.every((u) => u >= 0 && u <= 1.0001), `utilisation within [0, 1]: ${Math.max(...util.values)}`);
  assert.ok(Object.keys(core).some((k) => /^link\.p\d+\.util$/.test(k) && core[k]!.values.some((u) => u > 0.05)), 'the core carries traffic');
  const fct = on.flatMap((m) => (m.stats.tcpFlowCompletionQuantiles ? [m.stats.tcpFlowCompletionQuantiles as { count: number; cdf: Array<[number, number]> }] : []));
  assert.ok(fct.reduce((s, q) => s + q.count, 0) > 0, 'flows completed');
  assert.ok(fct.every((q) => q.cdf.at(-1)![1] === 1));
  const rpc = on.find((m) => m.stats.rpcLatencyQuantiles && (m.stats.rpcLatencyQuantiles as { count: number }).count > 0)!;
  assert.ok((rpc.stats.rpcLatencyQuantiles as { cdf?: unknown }).cdf, 'the RPC latency sketch gives its distribution');

  // Partitioned (ab: aggregation blocks apart, in threads): the same bytes as one engine, series included.
  const par = await runParallel(withRecord(plan('ab'), record), { until });
  assert.equal(par.status, 'completed');
  assert.equal(JSON.stringify(par.metrics), JSON.stringify(on));
});
