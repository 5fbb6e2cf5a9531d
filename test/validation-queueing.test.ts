/**
 * Service-level models against queueing theory: server.queue (and sources, sinks, the broker
 * tandem) must reproduce exact results where they exist. Seeds are fixed; each run is long
 * enough that its own 95 % interval is narrower than the tolerance, and the tests check that too,
 * so a pass means something and a failure is about the model, not luck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEC } from '@splitsim/kernel';
import { allenCunneenWait, distribution, mmc, mmck, mmcNonPreemptivePriority, mmcPreemptivePriority, whittWait } from '@splitsim/models';
import { newSystem, run, secs, station } from './validation-util.ts';

const relErr = (x: number, y: number) => Math.abs(x / y - 1);

test('M/M/c: server.queue mean wait within 2 % of Erlang C (ρ = 0.7, c = 4, 6 million jobs)', () => {
  const lambda = 2800;
  const mu = 1000;
  const jobs = 6_000_000;
  const r = run(station({ servers: 4, service: { type: 'exponential', rate: mu } }, { rate: lambda, jobs }), 11);
  const s = r.stats('server');
  const theory = mmc(lambda, mu, 4);
  const half = secs(s.waitBatchMeans.halfWidth95) / theory.meanWait;
  assert.ok(half < 0.012, `95 % half-width ${(half * 100).toFixed(2)} % is too wide for a 2 % check`);
  assert.ok(relErr(secs(s.wait.mean), theory.meanWait) < 0.02, `wait ${secs(s.wait.mean)} vs Erlang C ${theory.meanWait}`);
  assert.ok(relErr(secs(r.stats('sink').latency.mean), theory.meanResponse) < 0.01);
});

test('M/M/c/K: blocking within 2 % of the M/M/c/K formula (overload λ = 1.5 cμ, K = 40)', () => {
  const lambda = 15_000;
  const mu = 1000;
  const r = run(station({ servers: 10, service: { type: 'exponential', rate: mu }, capacity: 40 }, { rate: lambda, jobs: 1_000_000 }), 12);
  const s = r.stats('server');
  const theory = mmck(lambda, mu, 10, 40);
  const blocking = s.rejected / s.arrived;
  // Binomial-like standard error of the blocking estimate (with positive correlation ≤ 3x): ≈ 0.1 %.
  assert.ok(relErr(blocking, theory.blocking) < 0.02, `blocking ${blocking} vs ${theory.blocking}`);
  assert.ok(relErr(secs(s.wait.mean), theory.meanWait) < 0.02, `wait ${secs(s.wait.mean)} vs ${theory.meanWait}`);
});

test("Little's law: time-average jobs in system = accepted rate × mean response, on the same run", () => {
  const r = run(station({ servers: 3, service: { type: 'hyperexponential', mean: 0.001, scv: 5 }, queueLimit: 50 }, { rate: 2600, stop: 200 * SEC }), 13, 200 * SEC);
  const s = r.stats('server');
  const lambdaEff = s.served / r.now;
  const rhs = lambdaEff * secs(s.response.mean);
  // Exact on a sample path up to the jobs still in the system at the end (a few in 500 000).
  assert.ok(relErr(s.inSystem.mean, rhs) < 0.005, `L = ${s.inSystem.mean} vs λW = ${rhs}`);
  assert.ok(s.rejected > 0, 'the queue limit should bite at this load');
});

test('broker → network → receiver: stage 2 sees λ / (1 - p) within 1 %', () => {
  const s = newSystem('tandem');
  const lambda = 100;
  const p = 0.2;
  const src = s.add('source', 'source', { rate: lambda });
  const broker = s.add('server', 'broker', { servers: 10, service: { type: 'exponential', rate: 12 } });
  const tx = s.add('network', 'transmitter', {});
  const receiver = s.add('server', 'receiver', { servers: 12, service: { type: 'exponential', rate: 12 } });
  const loss = s.add('network', 'loss', { failure: p });
  const sink = s.add('sink', 'sink', {});
  s.link(src.port('out'), broker.port('in'), { latency: 0 });
  s.link(broker.port('out'), tx.port('in'), { latency: 0 });
  s.link(tx.port('out'), receiver.port('in'), { latency: '10ms' });
  s.link(receiver.port('out'), loss.port('in'), { latency: 0 });
  s.link(loss.port('nack'), tx.port('nack'), { latency: '10ms' });
  s.link(loss.port('out'), sink.port('in'), { latency: 0 });
  const r = run(s, 14, 4000 * SEC);
  const rate = r.stats('receiver').arrived / r.now;
  // 500 000 receiver arrivals: the rate's standard error is about 0.2 %.
  assert.ok(relErr(rate, lambda / (1 - p)) < 0.01, `stage-2 arrival rate ${rate} vs ${lambda / (1 - p)}`);
  const perMessage = r.stats('transmitter').transmissions / r.stats('broker').served;
  assert.ok(relErr(perMessage, 1 / (1 - p)) < 0.01, `transmissions per message ${perMessage}`);
});

test('M/G/1 with Pareto service (α = 3.5): mean wait within 5 % of Pollaczek-Khinchine', () => {
  const law = distribution({ type: 'pareto', alpha: 3.5, mean: 0.001 });
  const lambda = 600;
  const r = run(station({ service: { type: 'pareto', alpha: 3.5, mean: 0.001 } }, { rate: lambda, jobs: 2_000_000 }), 15);
  const rho = lambda * law.mean;
  const pk = (rho * law.mean * (1 + law.scv)) / (2 * (1 - rho));
  const w = secs(r.stats('server').wait.mean);
  assert.ok(relErr(w, pk) < 0.05, `wait ${w} vs P-K ${pk}`);
  assert.ok(relErr(allenCunneenWait({ lambda, meanService: law.mean, servers: 1, serviceScv: law.scv }), pk) < 1e-12);
});

test('M/G/10 with Pareto service (α = 2.5, 3): reported against Whitt and Allen-Cunneen', (t) => {
  // Rates per millisecond: a million jobs at 100 a second would span 10 000 s, past the 2^53 ps
  // (about 2.5 h) a run may reach; the unit changes no ratio.
  for (const alpha of [2.5, 3]) {
    const law = distribution({ type: 'pareto', alpha, mean: 1 / 12_000 });
    const r = run(station({ servers: 10, service: { type: 'pareto', alpha, mean: 1 / 12_000 } }, { rate: 100_000, jobs: 1_000_000 }), 16);
    const input = { lambda: 100_000, meanService: law.mean, servers: 10, serviceScv: law.scv };
    const w = secs(r.stats('server').wait.mean);
    const whitt = whittWait(input);
    const ac = allenCunneenWait(input);
    t.diagnostic(`α = ${alpha}: simulated Wq ${(w * 1000).toFixed(5)} ms, Whitt ${(whitt * 1000).toFixed(5)} (${((w / whitt - 1) * 100).toFixed(1)} %), Allen-Cunneen ${(ac * 1000).toFixed(5)} (${((w / ac - 1) * 100).toFixed(1)} %)`);
    // Two-moment formulas are approximations; for heavy tails they are known to be off by
    // tens of percent. The check is only that the simulation is in their neighbourhood.
    assert.ok(relErr(w, whitt) < 0.35 && relErr(w, ac) < 0.35, `α = ${alpha}: ${w} vs Whitt ${whitt}, Allen-Cunneen ${ac}`);
  }
});

test('priority classes in M/M/c: non-preemptive (Cobham) and preemptive-resume per-class means within 4 %', () => {
  const mu = 1000;
  const c = 4;
  for (const preemptive of [false, true]) {
    const rates = [1000, 1200, 1000];
    const s = newSystem('priority');
    const srv = s.add('server', 'server', { servers: c, service: { type: 'exponential', rate: mu }, discipline: 'priority', preemptive, classes: 3, inputs: 3 });
    rates.forEach((rate, k) => {
      const src = s.add('source', `source${k}`, { rate, class: k });
      s.link(src.port('out'), srv.port(`in${k}`), { latency: 0 });
    });
    const r = run(s, 17, 600 * SEC);
    const st = r.stats('server');
    const theory = preemptive ? mmcPreemptivePriority(rates, mu, c) : mmcNonPreemptivePriority(rates, mu, c);
    theory.forEach((cls, k) => {
      const got = preemptive ? secs(st[`response.class${k}`].mean) : secs(st[`wait.class${k}`].mean);
      const want = preemptive ? cls.meanResponse : cls.meanWait;
      assert.ok(relErr(got, want) < 0.04, `${preemptive ? 'preemptive' : 'non-preemptive'} class ${k}: ${got} vs ${want}`);
    });
  }
});
