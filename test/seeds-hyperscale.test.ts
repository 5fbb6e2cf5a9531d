/**
 * configs/hyperscale-lb.ts (seed 003): every policy runs from the config at a small size and
 * reports the cavity limit beside its result; the partitioned instantiation puts the dispatcher
 * in an instance of its own and spreads the server banks over the others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';
import config from '../configs/hyperscale-lb.ts';

for (const policy of ['push', 'pull', 'water-filling', 'pooling'] as const) {
  test(`hyperscale-lb ${policy}: runs to the end by itself and reports the cavity limit`, () => {
    const p = config.params.parse({ policy, n: 500, duration: 300, warmup: 50, delta: 0.5, batch: 20 });
    const system = config.system(p);
    const plan = instantiate(system, config.instantiations.single!(system, p), { config: 'hyperscale-lb', instantiation: 'single', seed: 2 });
    const r = completed(runSequential(plan));
    assert.equal(r.result.reason, 'empty', 'sources and timers stop at `duration`, then the queues drain');
    const figs = config.summary!(r.metrics, p);
    const mean = figs.find((f) => f.name === 'mean response time')!;
    assert.ok(mean.expected! >= (policy === 'pooling' ? 0 : 1) && mean.value > 0.5, JSON.stringify(mean));
    // N = 500 is small: within 10 % here; validation-hyperscale checks 3 % at N = 2000.
    assert.ok(Math.abs(mean.value / mean.expected! - 1) < 0.1, `${policy}: ${mean.value} vs cavity ${mean.expected}`);
    const jobs = figs.find((f) => f.name === 'jobs measured')!.value;
    assert.ok(jobs > 0.8 * 0.9 * 500 * 250, `only ${jobs} jobs`);
  });
}

test('partitioned: the dispatcher alone, servers over serverInstances instances, dispatch latency as lookahead', () => {
  const p = config.params.parse({ n: 4000, bankSize: 500, serverInstances: 4, dispatchLatency: '1us' });
  const system = config.system(p);
  const plan = instantiate(system, config.instantiations.partitioned!(system, p), { config: 'hyperscale-lb', instantiation: 'partitioned', seed: 1 });
  assert.deepEqual(plan.instances.map((i) => i.name), ['dispatcher', 'servers0', 'servers1', 'servers2', 'servers3']);
  const dispatcher = plan.instances[0]!.components.map((id) => plan.components[id]!.path);
  assert.deepEqual(dispatcher.sort(), ['dispatcher', 'source']);
  assert.equal(plan.channels.length, 4);
  for (const ch of plan.channels) assert.equal(ch.lookahead, 1_000_000);
  // Cut links need latency: with the default of 0 the plan is refused, naming the links.
  const zero = config.params.parse({ n: 4000, bankSize: 500 });
  const sys0 = config.system(zero);
  assert.throws(() => instantiate(sys0, config.instantiations.partitioned!(sys0, zero), { config: 'hyperscale-lb', instantiation: 'partitioned', seed: 1 }), /latency/);
});
