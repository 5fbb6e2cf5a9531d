/**
 * Arrival profiles and sink percentiles: counts of a spike, a piecewise profile, batches and a
 * renewal process against their rates; M/M/1 response-time percentiles against the exponential
 * law they follow (rate μ - λ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEC } from '@splitsim/kernel';
import { newSystem, run, secs, station } from './validation-util.ts';

/** A source sampled every second by a probe; returns arrivals per second. */
function perSecond(source: Record<string, unknown>, seconds: number, seed = 1): number[] {
  const s = newSystem('src');
  const src = s.add('source', 'source', source);
  const sink = s.add('sink', 'sink', {});
  const probe = s.add('probe', 'probe', { metrics: ['sent'], interval: '1s', stop: seconds * SEC });
  s.link(src.port('out'), sink.port('in'), { latency: 0 });
  s.link(probe.port('target'), src.port('probe'), { latency: 0 });
  const r = run(s, seed, seconds * SEC);
  const sent: number[] = r.stats('probe').sent.values;
  return sent.slice(1).map((v, i) => v - sent[i]!);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('spike profile: baseline, spike and baseline again, each count within 5 standard deviations', () => {
  const rates = perSecond({ profile: { type: 'spike', baseline: 100, spike: 1500, warmup: '10s', duration: '15s' } }, 40, 2);
  for (const [from, to, rate] of [[0, 10, 100], [10, 25, 1500], [25, 40, 100]] as const) {
    const n = sum(rates.slice(from, to));
    const mean = rate * (to - from);
    assert.ok(Math.abs(n - mean) < 5 * Math.sqrt(mean), `[${from}, ${to}) s: ${n} arrivals, expected ${mean}`);
  }
});

test('constant rate: evenly spaced, exactly rate per second; piecewise: silent before the first step', () => {
  const even = perSecond({ rate: 20, process: 'constant' }, 10);
  assert.ok(even.every((x) => x === 20), even.join(' '));
  const steps = perSecond({ profile: { type: 'piecewise', steps: [{ at: '2s', rate: 50 }, { at: '5s', rate: 0 }, { at: '7s', rate: 10 }] }, process: 'constant' }, 10);
  assert.deepEqual(steps, [0, 0, 50, 50, 50, 0, 0, 10, 10, 10]);
});

test('batches and renewal processes: jobs per second match rate × batch and 1/mean gap', () => {
  const batched = sum(perSecond({ rate: 50, batch: 8 }, 20, 3));
  assert.ok(Math.abs(batched - 50 * 8 * 20) < 5 * 8 * Math.sqrt(50 * 20), `batched ${batched}`);
  const renewal = sum(perSecond({ interarrival: { type: 'erlang', k: 4, mean: 0.01 } }, 20, 4));
  // Erlang-4 gaps: a count's variance is about rate·t/4.
  assert.ok(Math.abs(renewal - 2000) < 5 * Math.sqrt(2000 / 4), `renewal ${renewal}`);
});

test('sink percentiles: M/M/1 response times follow Exp(μ - λ): p50, p90, p99 within 3 %', () => {
  const lambda = 700;
  const mu = 1000;
  const r = run(station({ service: { type: 'exponential', rate: mu } }, { rate: lambda, jobs: 2_000_000 }), 5);
  const q = r.stats('sink').latencyQuantiles;
  for (const [p, key] of [[0.5, 'p50'], [0.9, 'p90'], [0.99, 'p99']] as const) {
    const theory = -Math.log(1 - p) / (mu - lambda);
    assert.ok(Math.abs(secs(q[key]) / theory - 1) < 0.03, `${key}: ${secs(q[key])} vs ${theory}`);
  }
});
