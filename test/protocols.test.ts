/**
 * Two-phase commit, vector clocks and broker semantics (configs/two-phase-commit.ts, causal.ts,
 * broker-semantics.ts) against their analytic values, at small sizes. Exact where nothing is
 * random at low load (latencies from round trips and disk writes, the blocked time after a
 * coordinator crash); within the statistics of short runs where it is (abort rates, timeouts,
 * throughputs). Raft has its own file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SEC, type Figure } from 'splitsim';
import { instantiate } from '@splitsim/instantiation';
import { completed, loadConfig, runSequential } from '@splitsim/runtime';
import { causalViolations } from '@splitsim/protocols';

const root = join(import.meta.dirname, '..');

async function figures(file: string, overrides: Record<string, unknown>, until: number, seed = 1) {
  const { config, catalog, params } = await loadConfig(join(root, 'configs', file), overrides);
  const system = config.system(params);
  const plan = instantiate(system, config.instantiations.one!(system, params), { config: config.name, instantiation: 'one', seed, catalog });
  const r = completed(runSequential(plan, { catalog, until }));
  const figs = config.summary!(r.metrics, params);
  const fig = (name: string): Figure => {
    const f = figs.find((x) => x.name.startsWith(name));
    assert.ok(f, `no figure "${name}" (${figs.map((x) => x.name).join('; ')})`);
    return f;
  };
  return { fig, metrics: r.metrics };
}

const near = (f: Figure, tolerance: number) => assert.ok(Math.abs(f.value / f.expected! - 1) <= tolerance, `${f.name}: ${f.value} vs ${f.expected} (±${tolerance * 100} %)`);

test('2PC: commit latency 2L + 2·persist; NO votes abort 1 - (1 - p)^n; a coordinator crash between phases blocks its participants until they ask again', async () => {
  const { fig } = await figures('two-phase-commit.ts', { no: 0.05, stop: '120s' }, 121 * SEC);
  near(fig('normal: commit latency'), 1e-9);
  near(fig('normal: abort rate'), 0.15);
  near(fig('normal: blocked time'), 0.03);
  // The blocked transaction: prepared, its coordinator down 2 s, answered ABORT at the first question after.
  near(fig('blocking: longest blocked time'), 1e-9);
  assert.ok(fig('blocking: longest blocked time').value > 2, 'blocked longer than the coordinator was down');
  assert.equal(fig('blocking: transactions lost').value, 1);
  near(fig('timeouts: aborted by the vote timeout'), 0.3);
});

test('causality checker: flags a message delivered before one of its causal past, accepts a causal order', () => {
  // p0 sends a (vc [1,0,0]); p1 delivers it, then sends b (vc [1,1,0]). At p2, b before a breaks causality.
  const a = { from: 0, vc: [1, 0, 0] };
  const b = { from: 1, vc: [1, 1, 0] };
  assert.equal(causalViolations(3, [a, b]), 0);
  assert.equal(causalViolations(3, [b, a]), 1);
  // Concurrent messages may come in either order.
  const c = { from: 2, vc: [0, 0, 1] };
  assert.equal(causalViolations(3, [c, a, b]), 0);
  assert.equal(causalViolations(3, [a, c, b]), 0);
});

test('vector clocks: deliveries on receipt break causality; hold-back and a sequencer do not, and the sequencer gives one order', async () => {
  const { fig } = await figures('causal.ts', { stop: '40s' }, 41 * SEC);
  assert.ok(fig('none: causality violations').value > 0);
  assert.equal(fig('causal: causality violations').value, 0);
  assert.equal(fig('total: causality violations').value, 0);
  assert.equal(fig('total: distinct delivery orders').value, 1);
  assert.ok(fig('none: distinct delivery orders').value > 1);
  near(fig('none: delivery latency'), 0.05);
  near(fig('total: delivery latency'), 0.05);
  assert.ok(fig('causal: delivery latency').value > fig('none: delivery latency').value, 'holding back costs time');
});

test('broker: publish latency per ack policy; redelivery after a consumer crash; per-key order kept; dedicated threads saturate at T/2·μ', async () => {
  const stations = ['replication', 'redelivery', 'ordering', 'threading'];
  const { fig } = await figures('broker-semantics.ts', { stations, duration: '200s', warmup: '20s', consumerCrashAt: '50s' }, 201 * SEC);
  for (const ack of ['leader', 'quorum', 'all']) near(fig(`replication, ack ${ack}`), 1e-9);
  near(fig('redelivery: messages delivered again'), 0.15);
  assert.equal(fig('ordering: out-of-order messages, in order per key').value, 0);
  assert.ok(fig('ordering: out-of-order messages, any order').value > 0);
  assert.ok(fig('ordering: in-order / out-of-order latency').value > 1);
  near(fig('threading, dedicated: throughput'), 0.03);
  near(fig('threading, shared: throughput'), 0.03);
});

test('broker cascade: when a broker fails its producers move on, and the next broker fills at λ_in - T·μ', async () => {
  const { fig } = await figures('broker-semantics.ts', { stations: ['cascade'], duration: '80s', warmup: '10s', crashAt: '30s' }, 81 * SEC);
  near(fig('cascade: broker 1 queue growth'), 0.2);
  assert.ok(fig('cascade: publishes refused').value > 0, 'the queues fill and refuse');
});
