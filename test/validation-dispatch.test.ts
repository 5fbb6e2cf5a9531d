/**
 * The classic load balancers against what is known about them: random splitting gives M/M/1
 * queues; round robin gives E_N/M/1 queues (GI/M/1 theory); JSQ(2) approaches the mean-field
 * power-of-two result; and the policies rank as theory says: pooled M/M/N ≤ JSQ ≤ LL(2) and
 * JSQ(2) ≤ random. Exponential job sizes of mean 1 ms, λ = 0.9 per server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEC } from '@splitsim/kernel';
import { mmc } from '@splitsim/models';
import { newSystem, run, secs, serviceModels } from './validation-util.ts';

const MEAN = 0.001;
const LAMBDA = 0.9;

/** A source, a load balancer over n servers (server.queue), response times read at the servers. */
function farm(model: string, n: number, lb: Record<string, unknown>, port: 'in' | 'client0', seconds: number, seed: number, customers?: { from: number; to: number }) {
  const s = newSystem('farm');
  const src = s.add('source', 'source', { rate: (LAMBDA * n) / MEAN, stop: seconds * SEC, ...(customers ? { customers } : {}) });
  const d = s.add('load-balancer', 'lb', { targets: n, ...lb });
  s.link(src.port('out'), d.port('in'), { latency: 0 });
  for (let i = 0; i < n; i++) {
    const srv = s.add('server', `s${i}`, { service: { type: 'exponential', mean: MEAN }, warmup: 0.1 * seconds * SEC, detail: 'lean', ...(port === 'client0' ? { clients: 1 } : {}) });
    s.link(d.port(`target${i}`), srv.port(port), { latency: 0 });
  }
  const r = run(s, seed, undefined, [{ kind: 'load-balancer', model }, ...serviceModels]);
  let jobs = 0;
  let sum = 0;
  const served: number[] = [];
  for (let i = 0; i < n; i++) {
    const st = r.stats(`s${i}`);
    jobs += st.response.count;
    sum += st.response.mean * st.response.count;
    served.push(st.served);
  }
  return { meanResponse: secs(sum / jobs) / MEAN, served, jobs };
}

test('random: every server is an M/M/1 queue, mean response 1/(1 - λ) within 3 %', () => {
  const r = farm('lb.random', 20, {}, 'in', 40, 1);
  assert.ok(Math.abs(r.meanResponse / (1 / (1 - LAMBDA)) - 1) < 0.03, `${r.meanResponse} vs ${1 / (1 - LAMBDA)}`);
});

test('round robin: every server is an E_N/M/1 queue (GI/M/1 theory) within 3 %', () => {
  const n = 4;
  const r = farm('lb.round-robin', n, {}, 'in', 800, 2);
  // GI/M/1: σ = A*(μ(1 - σ)); Erlang-n gaps of mean 1/λ at each server: A*(s) = (nλ/(nλ + s))^n.
  let sigma = 0.5;
  for (let i = 0; i < 1000; i++) sigma = Math.pow((n * LAMBDA) / (n * LAMBDA + (1 - sigma)), n);
  const theory = 1 / (1 - sigma);
  assert.ok(Math.abs(r.meanResponse / theory - 1) < 0.03, `${r.meanResponse} vs E${n}/M/1 ${theory}`);
  assert.ok(Math.max(...r.served) - Math.min(...r.served) <= 2, 'round robin deals jobs out evenly');
});

test('hash: every job of a customer goes to the same server', () => {
  const r = farm('lb.hash', 7, {}, 'in', 2, 3, { from: 3, to: 3 });
  assert.equal(r.served.filter((x) => x > 0).length, 1);
  assert.ok(r.served[3]! > 1000, 'customer 3 maps to server 3 (3 mod 7)');
});

test('JSQ(2) approaches the mean-field power-of-two result (within 4 % at N = 200)', () => {
  const r = farm('lb.jsq-d', 200, { d: 2 }, 'in', 10, 4);
  // Vvedenskaya et al.: P(queue ≥ k) = λ^(2^k - 1); mean response = Σ_k λ^(2^k - 1) / λ.
  let q = 0;
  for (let k = 1; k < 30; k++) q += Math.pow(LAMBDA, 2 ** k - 1);
  const theory = q / LAMBDA;
  assert.ok(Math.abs(r.meanResponse / theory - 1) < 0.04, `${r.meanResponse} vs ${theory}`);
});

test('policies rank as theory says: pooled M/M/N ≤ JSQ ≤ LL(2) and JSQ(2) ≤ random', () => {
  const n = 50;
  const jsq = farm('lb.jsq', n, {}, 'client0', 20, 5).meanResponse;
  const ll2 = farm('lb.ll-d', n, { d: 2 }, 'in', 20, 6).meanResponse;
  const sq2 = farm('lb.jsq-d', n, { d: 2 }, 'in', 20, 7).meanResponse;
  const rnd = farm('lb.random', n, {}, 'in', 20, 8).meanResponse;
  const pooled = mmc(LAMBDA * n, 1, n).meanResponse;
  assert.ok(pooled <= jsq && jsq < ll2 && ll2 < sq2 && sq2 < rnd, `M/M/N ${pooled}, JSQ ${jsq}, LL(2) ${ll2}, JSQ(2) ${sq2}, random ${rnd}`);
  // Least-loaded with 2 samples beats shortest-queue with 2 samples by a clear margin at λ = 0.9.
  assert.ok(ll2 < 0.9 * sq2);
});
