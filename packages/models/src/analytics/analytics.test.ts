import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deterministic, Erlang, Exponential, Hyperexponential } from '../distributions/index.ts';
import { cavityPull, cavityPush, cavityResourcePooling, cavityWaterFilling } from './cavity.ts';
import { erlangB, mmc, mmck } from './erlang.ts';
import { allenCunneenWait, kingmanWait, mmcWait, whittWait } from './mgc.ts';
import { mmcNonPreemptivePriority, mmcPreemptivePriority } from './priority.ts';
import { tandem } from './tandem.ts';

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('M/M/c/K: K = c is Erlang B, a huge K is M/M/c, and the probabilities sum to 1', () => {
  close(mmck(8, 1, 10, 10).blocking, erlangB(10, 8));
  const big = mmck(8, 1, 10, 2000);
  close(big.meanWait, mmc(8, 1, 10).meanWait, 1e-9);
  close(mmck(30, 1, 10, 40).probabilities.reduce((a, b) => a + b, 0), 1);
  // Overload is stable with a finite room: throughput below c·μ.
  const over = mmck(150, 10, 10, 40);
  assert.ok(over.throughput < 100 && over.blocking > 0.3);
});

test('priority M/M/c: one class is M/M/c; the work-conserving mix keeps the mean number in system', () => {
  const one = mmcNonPreemptivePriority([7], 1, 8)[0]!;
  close(one.meanWait, mmc(7, 1, 8).meanWait);
  const lambdas = [2, 3, 2.5];
  const all = mmc(7.5, 1, 8);
  const np = mmcNonPreemptivePriority(lambdas, 1, 8);
  const pr = mmcPreemptivePriority(lambdas, 1, 8);
  // Same service law for all classes: the order of service does not change the total backlog.
  close(np.reduce((s, c) => s + c.lambda * c.meanWait, 0), all.meanQueueLength, 1e-9);
  close(pr.reduce((s, c) => s + c.lambda * c.meanResponse, 0), all.meanInSystem, 1e-9);
  assert.ok(np[0]!.meanWait < np[1]!.meanWait && np[1]!.meanWait < np[2]!.meanWait);
  assert.ok(pr[0]!.meanWait < np[0]!.meanWait);
});

test('M/G/c approximations reduce to the exact results where those are known', () => {
  const mm = { lambda: 8, meanService: 1, servers: 10, serviceScv: 1 };
  close(allenCunneenWait(mm), mmcWait(mm));
  close(whittWait(mm), mmcWait(mm));
  // M/G/1: Pollaczek-Khinchine, Wq = ρ m (1 + cs²) / (2 (1 - ρ)).
  for (const cs2 of [0, 0.5, 1, 3]) {
    const p = { lambda: 0.7, meanService: 1, servers: 1, serviceScv: cs2 };
    const pk = (0.7 * (1 + cs2)) / (2 * 0.3);
    close(allenCunneenWait(p), pk);
    close(kingmanWait(p), pk);
    // Whitt interpolates between M/D/1 and M/M/1, both exact; in between it is an approximation.
    if (cs2 === 0 || cs2 === 1) close(whittWait(p), pk);
    else assert.ok(Math.abs(whittWait(p) / pk - 1) < 0.07, `Whitt ${whittWait(p)} vs P-K ${pk}`);
  }
  // M/D/c: Whitt's correction φ = 1 + γ lies above the halved M/M/c value.
  const md = { lambda: 8, meanService: 1, servers: 10, serviceScv: 0 };
  assert.ok(whittWait(md) > 0.5 * mmcWait(md) && whittWait(md) < 0.65 * mmcWait(md));
});

test('tandem: stage 2 sees λ/(1-p); with p = 0 the delivery time is the two stations plus one delay', () => {
  const t = tandem({ lambda: 100, n1: 10, mu1: 12, n2: 12, mu2: 12, delay: 0.01, failure: 0.2 });
  close(t.stage2Arrival, 125);
  close(t.attempts, 1.25);
  const z = tandem({ lambda: 100, n1: 10, mu1: 12, n2: 12, mu2: 12, delay: 0.01, failure: 0 });
  close(z.endToEnd, mmc(100, 12, 10).meanResponse + mmc(100, 12, 12).meanResponse + 0.01);
});

const laws = { exponential: new Exponential(1), erlang4: new Erlang(4, 1), hyperexp: Hyperexponential.fromScv(1, 4, 0.5) };

test('cavity queues: a server is busy a fraction λ of the time, queues stay within the bound', () => {
  for (const [name, d] of Object.entries(laws)) {
    const ph = d.phaseType()!;
    for (const lambda of [0.6, 0.9, 0.97]) {
      for (const r of [cavityPush(lambda, 0.8, ph), cavityPull(lambda, 0.3, 0.3, ph), cavityWaterFilling(lambda, 0.8, ph), cavityResourcePooling(lambda, 0.05, ph)]) {
        const busy = r.policy === 'resource-pooling' ? (lambda - 0.05) / 0.95 : lambda;
        close(1 - r.queueLength[0]!, busy, 1e-7);
        close(r.queueLength.reduce((a, b) => a + b, 0), 1, 1e-9);
        assert.equal(r.queueLength.length, r.maxQueueLength + 1, `${name} ${r.policy}`);
        assert.ok(r.meanResponse >= (r.policy === 'resource-pooling' ? 0 : 1 - 1e-9), `${name} ${r.policy} λ=${lambda}: ${r.meanResponse}`);
      }
    }
  }
});

test('cavity push: probing fast enough gives JSQ-like vanishing waits; more variable jobs wait longer', () => {
  close(cavityPush(0.9, 50, laws.exponential.phaseType()!).meanResponse, 1, 1e-6);
  const e = cavityPush(0.95, 0.5, laws.erlang4.phaseType()!).meanResponse;
  const x = cavityPush(0.95, 0.5, laws.exponential.phaseType()!).meanResponse;
  const h = cavityPush(0.95, 0.5, laws.hyperexp.phaseType()!).meanResponse;
  assert.ok(e < x && x < h, `${e} ${x} ${h}`);
});

test('cavity pull: the maximum queue length does not depend on the job size law (Theorem 6.2)', () => {
  for (const lambda of [0.7, 0.9, 0.95]) {
    const levels = Object.values(laws).map((d) => cavityPull(lambda, 0.2, 0.2, d.phaseType()!).maxQueueLength);
    assert.equal(new Set(levels).size, 1, `λ=${lambda}: ${levels}`);
  }
});

test('cavity resource pooling: no queueing when the central server can take everything; deterministic-like jobs queue least', () => {
  assert.equal(cavityResourcePooling(0.3, 0.4, laws.exponential.phaseType()!).meanResponse, 0);
  const erl = cavityResourcePooling(0.95, 0.1, new Erlang(8, 1).phaseType()!).maxQueueLength;
  const hyp = cavityResourcePooling(0.95, 0.1, laws.hyperexp.phaseType()!).maxQueueLength;
  assert.ok(erl < hyp, `${erl} vs ${hyp}`);
  void Deterministic;
});
