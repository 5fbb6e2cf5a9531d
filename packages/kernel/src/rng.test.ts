import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.ts';

const draw = (r: Rng, n: number) => Array.from({ length: n }, () => r.next());

test('the same (seed, stream) gives the same numbers; a different seed or stream does not', () => {
  assert.deepEqual(draw(new Rng(42, 7), 100), draw(new Rng(42, 7), 100));
  assert.notDeepEqual(draw(new Rng(42, 7), 100), draw(new Rng(43, 7), 100));
  assert.notDeepEqual(draw(new Rng(42, 7), 100), draw(new Rng(42, 8), 100));
});

test("a component's stream depends only on the run seed and its id, not on other streams' use", () => {
  const alone = draw(new Rng(5, 3), 50);
  const others = [new Rng(5, 0), new Rng(5, 1), new Rng(5, 2)];
  for (const o of others) draw(o, 1000);
  const mine = new Rng(5, 3);
  for (const o of others) o.next();
  assert.deepEqual(draw(mine, 50), alone);
});

test('uniform draws are in [0, 1) with the right mean and variance', () => {
  const r = new Rng(1, 0);
  const n = 200_000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  const variance = sq / n - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) ≈ 0.00065: allow 5 of them.
  assert.ok(Math.abs(mean - 0.5) < 0.0033, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
});

test('exponential draws follow the exponential law (mean, variance, Kolmogorov-Smirnov)', () => {
  const r = new Rng(2, 0);
  const n = 100_000;
  const mean = 3;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = r.exponential(mean);
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(m / mean - 1) < 0.015, `mean ${m}`);
  assert.ok(Math.abs(v / (mean * mean) - 1) < 0.04, `variance ${v}`);
  xs.sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = 1 - Math.exp(-xs[i]! / mean);
    d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
  }
  // KS critical value at the 1 % level: 1.63 / sqrt(n).
  assert.ok(d < 1.63 / Math.sqrt(n), `KS distance ${d}`);
});

test('int(n) covers [0, n) evenly', () => {
  const r = new Rng(3, 0);
  const counts = new Array(6).fill(0);
  const n = 60_000;
  for (let i = 0; i < n; i++) counts[r.int(6)]++;
  // Chi-square with 5 degrees of freedom: 15.09 is the 1 % critical value.
  const chi = counts.reduce((s, c) => s + (c - n / 6) ** 2 / (n / 6), 0);
  assert.ok(chi < 15.09, `chi-square ${chi}`);
});
