import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '@splitsim/kernel';
import { distribution, distributionSchema, Erlang, Hyperexponential, PhaseType, type DistributionSpec } from './index.ts';

/** Sample mean and variance of n draws. */
function moments(spec: DistributionSpec, n: number, seed = 1): { mean: number; variance: number; d: ReturnType<typeof distribution> } {
  const d = distribution(spec);
  const rng = new Rng(seed, 7);
  let s = 0;
  let s2 = 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = d.sample(rng);
    if (!(x >= 0 && Number.isFinite(x))) bad++;
    s += x;
    s2 += x * x;
  }
  assert.equal(bad, 0, `${d.describe()} drew negative or non-finite values`);
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean, d };
}

// Laws with a finite fourth moment: the sample mean lies within 4.5 standard errors of the mean
// (probability of a false alarm about 7e-6 per law) and the variance within 10 %.
const finite: DistributionSpec[] = [
  { type: 'deterministic', value: 0.25 },
  { type: 'uniform', min: 1, max: 3 },
  { type: 'exponential', mean: 0.1 },
  { type: 'exponential', rate: 4 },
  { type: 'erlang', k: 4, mean: 2 },
  { type: 'hyperexponential', mean: 1, scv: 4 },
  { type: 'hyperexponential', mean: 1, scv: 10, shape: 0.2 },
  { type: 'hyperexponential', probs: [0.3, 0.7], means: [2, 0.5] },
  { type: 'phase-type', alpha: [1, 0], T: [[-3, 2], [0, -1]] },
  { type: 'hyper-erlang', branches: [{ p: 0.4, k: 2, mean: 1 }, { p: 0.6, k: 3, mean: 3 }] },
  { type: 'pareto', alpha: 5, mean: 1 },
  { type: 'lognormal', mean: 2, scv: 0.5 },
  { type: 'weibull', shape: 1.5, mean: 1 },
  { type: 'empirical', values: [1, 2, 5], weights: [1, 1, 2] },
];

for (const spec of finite) {
  test(`${spec.type} ${JSON.stringify(spec)}: sample mean and variance match the exact moments`, () => {
    const n = 200_000;
    const { mean, variance, d } = moments(spec, n);
    const se = Math.sqrt(d.variance / n);
    assert.ok(Math.abs(mean - d.mean) <= 4.5 * se + 1e-12, `mean ${mean} vs ${d.mean} (se ${se})`);
    if (d.variance > 0) assert.ok(Math.abs(variance / d.variance - 1) < 0.1, `variance ${variance} vs ${d.variance}`);
    else assert.ok(variance < 1e-12);
    assert.equal(d.scv, d.variance / (d.mean * d.mean));
  });
}

test('Pareto with α ≤ 2 has an infinite variance but a finite mean, and α ≤ 1 is rejected', () => {
  const d = distribution({ type: 'pareto', alpha: 2, scale: 0.5 });
  assert.equal(d.mean, 1);
  assert.equal(d.variance, Infinity);
  assert.equal(d.scv, Infinity);
  assert.throws(() => distribution({ type: 'pareto', alpha: 1, scale: 1 }), /α must be > 1/);
  // The seed's broker study: E[S] = αk/(α-1), C² = 1/(α(α-2)) for α > 2.
  const p = distribution({ type: 'pareto', alpha: 2.5, scale: 0.1 });
  assert.ok(Math.abs(p.mean - (2.5 * 0.1) / 1.5) < 1e-15);
  assert.ok(Math.abs(p.scv - 1 / (2.5 * 0.5)) < 1e-12);
});

test('hyperexponential from (mean, SCV, f) has that mean, SCV and share f of the mean in phase 1', () => {
  for (const [scv, f] of [[2, 0.5], [10, 0.1], [25, 0.9]] as const) {
    const h = Hyperexponential.fromScv(3, scv, f);
    assert.ok(Math.abs(h.mean - 3) < 1e-12);
    assert.ok(Math.abs(h.scv - scv) < 1e-9, `scv ${h.scv}`);
    assert.ok(Math.abs(h.probs[0]! * h.means[0]! - f * 3) < 1e-12);
  }
  assert.throws(() => Hyperexponential.fromScv(1, 0.5), /SCV ≥ 1/);
});

test('phase-type moments and transform agree with the closed forms of the laws they represent', () => {
  for (const d of [new Erlang(3, 2), Hyperexponential.fromScv(1, 5, 0.3)]) {
    const { alpha, T } = d.phaseType()!;
    const ph = new PhaseType(alpha, T);
    assert.ok(Math.abs(ph.mean - d.mean) < 1e-12);
    assert.ok(Math.abs(ph.variance - d.variance) < 1e-9);
    for (const s of [0.1, 1, 7]) assert.ok(Math.abs(ph.laplace(s) - d.laplace(s)) < 1e-12);
  }
});

test('Laplace transforms match Monte Carlo estimates of E[exp(-sX)]', () => {
  const specs: DistributionSpec[] = [
    { type: 'uniform', min: 0, max: 2 },
    { type: 'pareto', alpha: 2.1, mean: 1 },
    { type: 'lognormal', mean: 1, scv: 2 },
    { type: 'weibull', shape: 0.7, mean: 1 },
    { type: 'empirical', values: [0.5, 3] },
  ];
  for (const spec of specs) {
    const d = distribution(spec);
    const rng = new Rng(3, 1);
    const n = 100_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(-0.8 * d.sample(rng));
    // e^(-sX) lies in [0, 1]: its standard deviation is at most 1/2.
    assert.ok(Math.abs(s / n - d.laplace(0.8)) < 4.5 * (0.5 / Math.sqrt(n)), `${d.describe()}: ${s / n} vs ${d.laplace(0.8)}`);
  }
});

test('the schema reports bad laws with a reason, and its output parses again (plans are JSON)', () => {
  const bad: unknown[] = [
    { type: 'exponential' },
    { type: 'exponential', mean: 1, rate: 1 },
    { type: 'hyperexponential', mean: 1, scv: 0.5 },
    { type: 'phase-type', alpha: [0.5, 0.5], T: [[-1]] },
    { type: 'pareto', alpha: 0.9, mean: 1 },
    { type: 'uniform', min: 2, max: 1 },
    { type: 'erlang', k: 2, mean: 1, colour: 'red' },
    { type: 'gamma', mean: 1 },
  ];
  for (const b of bad) assert.equal(distributionSchema().safeParse(b).success, false, JSON.stringify(b));
  const good = { type: 'hyperexponential', mean: 1, scv: 4 };
  const out = distributionSchema().parse(good);
  assert.deepEqual(distributionSchema().parse(JSON.parse(JSON.stringify(out))), out);
});
