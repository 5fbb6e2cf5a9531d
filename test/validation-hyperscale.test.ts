/**
 * The four bounded-queue load balancers (seed 003) against the queue at the cavity, their N → ∞
 * limit, at N = 2000: the finite-N gap there is under 2 % (docs/validation.md shows it shrink
 * from N = 1000 to 10 000), so 3 % is a real check. Water-filling batches grow like √N, as
 * the limit needs (a batch that samples a fixed share of all servers does not converge).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';
import config, { cavity, responseSummary } from '../configs/hyperscale-lb.ts';

function simulate(over: Record<string, unknown>, seed = 5) {
  const p = config.params.parse(over);
  const system = config.system(p);
  const plan = instantiate(system, config.instantiations.single!(system, p), { config: 'hyperscale-lb', instantiation: 'single', seed });
  const r = completed(runSequential(plan));
  const s = responseSummary(r.metrics);
  return { mean: s.meanResponse / 1e9, longest: s.maxQueue, cavity: cavity(p), jobs: s.jobs };
}

const cases: Array<[string, Record<string, unknown>]> = [
  ['push, exponential', { policy: 'push' }],
  ['push, Erlang-2', { policy: 'push', size: 'erlang', k: 2 }],
  ['push, hyperexponential SCV 4', { policy: 'push', size: 'hyperexponential', scv: 4 }],
  ['pull (p = 0, δ = 0.5), exponential', { policy: 'pull', delta: 0.5 }],
  ['pull (p = 0, δ = 0.5), Erlang-2', { policy: 'pull', delta: 0.5, size: 'erlang', k: 2 }],
  ['water filling (m = 45), exponential', { policy: 'water-filling', batch: 45 }],
  ['water filling (m = 45), Erlang-2', { policy: 'water-filling', batch: 45, size: 'erlang', k: 2 }],
  ['resource pooling (p = 0.05), exponential', { policy: 'pooling', pooled: 0.05, duration: 3000, warmup: 1000 }],
];

for (const [name, over] of cases) {
  test(`${name}: mean response at N = 2000 within 3 % of the cavity limit, queues within its bound`, () => {
    const r = simulate({ n: 2000, lambda: 0.9, duration: 1000, warmup: 200, ...over });
    assert.ok(r.jobs > 1_000_000, `only ${r.jobs} jobs measured`);
    const err = r.mean / r.cavity.meanResponse - 1;
    assert.ok(Math.abs(err) < 0.03, `mean response ${r.mean.toFixed(4)} vs cavity ${r.cavity.meanResponse.toFixed(4)} (${(err * 100).toFixed(2)} %)`);
    // Greedy dispatch keeps every queue near the limit's bound at finite N too. Under resource
    // pooling, arrivals go to random servers and only the central server trims the longest
    // queues, so at N = 2000 the maximum over a long run sits well above the N → ∞ bound.
    if (over.policy !== 'pooling') assert.ok(r.longest <= r.cavity.maxQueueLength + 2, `longest queue ${r.longest} vs bound ${r.cavity.maxQueueLength}`);
  });
}

test('a server bank behaves like separate server.queue components (push, N = 400)', () => {
  const over = { policy: 'push', n: 400, duration: 4000, warmup: 400 };
  const banked = simulate({ ...over, bankSize: 400 }, 6);
  const single = simulate({ ...over, bankSize: 0 }, 7);
  // 1.4 million jobs each: both estimates have a standard error of about 0.3 %.
  assert.ok(Math.abs(banked.mean / single.mean - 1) < 0.02, `bank ${banked.mean} vs components ${single.mean}`);
});
