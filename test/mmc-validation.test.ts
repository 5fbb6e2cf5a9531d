/**
 * The M/M/c queue built from components against queueing theory (Erlang C), through the same
 * path `splitsim run` takes: config → system → instantiation → plan → engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEC } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { mmc } from '@splitsim/models';
import { completed, runSequential } from '@splitsim/runtime';
import config from '../configs/mmc.ts';

function simulate(overrides: Record<string, unknown>, seed: number) {
  const params = config.params.parse(overrides);
  const system = config.system(params);
  const plan = instantiate(system, config.instantiations.single!(system, params), { config: 'mmc', instantiation: 'single', seed });
  const { metrics } = completed(runSequential(plan));
  return metrics.find((m) => m.path === 'server')!.stats as Record<string, any>;
}

test('M/M/10 at ρ = 0.8: mean wait within 2 % of Erlang C on a long run (10 million jobs)', () => {
  const lambda = 8000;
  const mu = 1000;
  const c = 10;
  const server = simulate({ lambda, mu, c, jobs: 10_000_000 }, 1);
  const theory = mmc(lambda, mu, c);
  const wait = server.wait.mean / SEC;
  const ci = server.waitBatchMeans.halfWidth95 / SEC;
  // The run must be long enough for 2 % to mean something: its own 95 % interval is narrower.
  assert.ok(ci / theory.meanWait < 0.015, `95 % half-width ${((ci / theory.meanWait) * 100).toFixed(2)} % is too wide`);
  assert.ok(Math.abs(wait / theory.meanWait - 1) < 0.02, `mean wait ${wait} s vs Erlang C ${theory.meanWait} s`);
  assert.ok(Math.abs(server.response.mean / SEC / theory.meanResponse - 1) < 0.01, 'mean response');
  assert.equal(server.served, 10_000_000);
  assert.equal(server.rejected, 0);
});

test('M/M/1 (c = 1): mean wait and response match Pollaczek-Khinchine for exponential service', () => {
  const server = simulate({ lambda: 500, mu: 1000, c: 1, jobs: 1_000_000 }, 3);
  // M/M/1 at ρ = 0.5: Wq = ρ / (μ - λ) = 1 ms, W = 2 ms.
  assert.ok(Math.abs(server.wait.mean / SEC / 0.001 - 1) < 0.03, `wait ${server.wait.mean / SEC}`);
  assert.ok(Math.abs(server.response.mean / SEC / 0.002 - 1) < 0.02, `response ${server.response.mean / SEC}`);
});

test('the same seed gives byte-identical metrics twice', () => {
  const a = JSON.stringify(simulate({ jobs: 20_000 }, 11));
  const b = JSON.stringify(simulate({ jobs: 20_000 }, 11));
  assert.equal(a, b);
  assert.notEqual(a, JSON.stringify(simulate({ jobs: 20_000 }, 12)));
});
