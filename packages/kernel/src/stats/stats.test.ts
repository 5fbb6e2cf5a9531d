import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.ts';
import { BatchMeans } from './batch-means.ts';
import { QUANTILE_RELATIVE_ERROR, Quantiles } from './quantiles.ts';
import { normalQuantile, studentTQuantile } from './student-t.ts';
import { Counter, Tally } from './tally.ts';
import { TimeWeighted } from './time-weighted.ts';

test('Tally matches the two-pass mean and variance, and merging equals adding everything', () => {
  const rng = new Rng(1, 1);
  const xs = Array.from({ length: 5000 }, () => 1e9 + rng.exponential(10));
  const all = new Tally();
  const a = new Tally();
  const b = new Tally();
  xs.forEach((x, i) => {
    all.add(x);
    (i % 3 === 0 ? a : b).add(x);
  });
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  assert.ok(Math.abs(all.mean - mean) < 1e-5, `mean ${all.mean} vs ${mean}`);
  assert.ok(Math.abs(all.variance / variance - 1) < 1e-7, `variance ${all.variance} vs ${variance}`);
  assert.equal(all.min, Math.min(...xs));
  assert.equal(all.max, Math.max(...xs));
  a.merge(b);
  assert.equal(a.count, all.count);
  assert.ok(Math.abs(a.mean - all.mean) < 1e-5, `merged mean ${a.mean} vs ${all.mean}`);
  assert.ok(Math.abs(a.variance / all.variance - 1) < 1e-7, `merged variance ${a.variance} vs ${all.variance}`);
  assert.deepEqual(new Tally().toJSON(), { count: 0, mean: 0, variance: 0, min: 0, max: 0 });
  const c = new Counter();
  c.inc();
  c.inc(4);
  assert.equal(c.toJSON(), 5);
});

test('TimeWeighted averages a level over the time it was held', () => {
  const clock = { now: 0 };
  const tw = new TimeWeighted(clock);
  clock.now = 10;
  tw.set(2); // 0 for 10
  clock.now = 30;
  tw.set(5); // 2 for 20
  clock.now = 40; // 5 for 10
  assert.equal(tw.mean, (0 * 10 + 2 * 20 + 5 * 10) / 40);
  assert.equal(tw.max, 5);
  assert.equal(tw.min, 0);
  tw.add(-1);
  assert.equal(tw.current, 4);
});

test('Quantiles stay within the stated relative error of the exact order statistics, and merge', () => {
  const rng = new Rng(2, 2);
  const xs = Array.from({ length: 50_000 }, () => (rng.next() < 0.1 ? 0 : Math.exp(rng.uniform(-5, 15))));
  const q = new Quantiles();
  const left = new Quantiles();
  const right = new Quantiles();
  xs.forEach((x, i) => {
    q.add(x);
    (i % 2 ? left : right).add(x);
  });
  left.merge(right);
  const sorted = [...xs].sort((a, b) => a - b);
  for (const p of [0, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1]) {
    const exact = sorted[Math.floor(p * (sorted.length - 1) + 1e-9)]!;
    for (const sketch of [q, left]) {
      const got = sketch.quantile(p);
      if (exact === 0) assert.equal(got, 0);
      else assert.ok(Math.abs(got - exact) <= QUANTILE_RELATIVE_ERROR * exact * (1 + 1e-12), `p${p}: ${got} vs ${exact}`);
    }
  }
  const neg = new Quantiles();
  [-4, -2, 1, 3].forEach((x) => neg.add(x));
  assert.ok(neg.quantile(0) < -3.9 && neg.quantile(0) > -4.1);
  assert.ok(Number.isNaN(new Quantiles().quantile(0.5)));
});

test('Student t and normal quantiles match tables', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  const table: Array<[number, number, number]> = [
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 5, 2.571],
    [0.975, 10, 2.228],
    [0.975, 19, 2.093],
    [0.975, 30, 2.042],
    [0.95, 10, 1.812],
    [0.995, 20, 2.845],
  ];
  for (const [p, df, t] of table) assert.ok(Math.abs(studentTQuantile(p, df) - t) < 2e-3, `t(${p}, ${df}) = ${studentTQuantile(p, df)}, table ${t}`);
  assert.ok(Math.abs(studentTQuantile(0.025, 10) + 2.228) < 2e-3);
});

test('batch-means intervals cover the true mean of an autocorrelated series about 95 % of the time', () => {
  // AR(1) with phi = 0.9 around mean 10: strongly correlated, like waiting times.
  let covered = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const rng = new Rng(100 + t, 0);
    const bm = new BatchMeans(20);
    let x = 10;
    for (let i = 0; i < 20_000; i++) {
      x = 10 + 0.9 * (x - 10) + (rng.next() - 0.5) * 2;
      bm.add(x);
    }
    const ci = bm.interval(0.95);
    assert.ok(ci.batches >= 20 && ci.batches < 40);
    if (Math.abs(ci.mean - 10) <= ci.halfWidth) covered++;
  }
  // Binomial(200, 0.95) is above 180 with probability > 0.999.
  assert.ok(covered >= 180, `covered ${covered} of ${trials}`);
});

test('Quantiles give their distribution only when asked: monotone [value, share] steps ending at 1', () => {
  const q = new Quantiles();
  for (let i = 1; i <= 1000; i++) q.add(i);
  assert.equal(q.toJSON().cdf, undefined, 'metrics.json keeps its summary unless a run records');
  const cdf = q.toJSON(true).cdf!;
  assert.ok(cdf.length > 50 && cdf.length <= 104);
  for (let i = 1; i < cdf.length; i++) assert.ok(cdf[i]![0] > cdf[i - 1]![0] && cdf[i]![1] > cdf[i - 1]![1], `step ${i}`);
  assert.deepEqual(cdf.at(-1)![1], 1);
  const median = cdf.find(([, p]) => p === 0.5)![0];
  assert.ok(Math.abs(median / 500 - 1) <= 2 * QUANTILE_RELATIVE_ERROR, `median ${median}`);
  const one = new Quantiles();
  one.add(7);
  assert.equal(one.toJSON(true).cdf!.length, 1, 'a single value is one step');
});
