/**
 * The routing post (seed 000): with smart routing on, the load on server 2 oscillates during the
 * spike, the clients' windows chasing their own effect; off, server 2 saturates and rejects.
 * Also: report.html shows the series the post plots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEC } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential, writeReport } from '@splitsim/runtime';
import config, { upCrossings } from '../configs/smart-routing.ts';

function simulate(over: Record<string, unknown>, seed = 42, inst = 'single') {
  const p = config.params.parse(over);
  const system = config.system(p);
  const plan = instantiate(system, config.instantiations[inst]!(system, p), { config: 'smart-routing', instantiation: inst, seed });
  const r = completed(runSequential(plan, { until: 65 * SEC }));
  const at = (path: string) => r.metrics.find((m) => m.path === path)!.stats as Record<string, any>;
  return { r, p, at, plan };
}

/** 1-second means of server 2's sampled load over [from, to) seconds. */
function secondMeans(load: { times: number[]; values: number[] }, from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s < to; s++) {
    let sum = 0;
    let n = 0;
    load.times.forEach((t, i) => {
      if (t >= s * SEC && t < (s + 1) * SEC) {
        sum += load.values[i]!;
        n++;
      }
    });
    out.push(sum / n);
  }
  return out;
}

test('smart routing on: server 2 load crosses the 0.9 threshold again and again during the spike (several seeds)', () => {
  for (const seed of [42, 1, 2]) {
    const { at } = simulate({ smart: true }, seed);
    const load = at('probes/server2').load;
    const ups = upCrossings(load, 0.9, 10 * SEC, 25 * SEC, SEC);
    const means = secondMeans(load, 11, 25);
    assert.ok(ups >= 2, `seed ${seed}: ${ups} up-crossings; 1 s means ${means.map((m) => m.toFixed(2)).join(' ')}`);
    assert.ok(means.some((m) => m < 0.9) && means.some((m) => m >= 0.99), `seed ${seed}: no relief/saturation alternation: ${means.map((m) => m.toFixed(2)).join(' ')}`);
    let rehashes = 0;
    for (let i = 0; i < 3; i++) rehashes += at(`client${i}`).rehashes;
    assert.ok(rehashes > 100, `seed ${seed}: only ${rehashes} rehashes`);
    // Before the spike and after the windows have forgotten it, nothing is rehashed.
    const early = at('probes/client0').rehashRate as { times: number[]; values: number[] };
    early.times.forEach((t, i) => {
      if (t < 10 * SEC || t > 35 * SEC) assert.equal(early.values[i], 0, `seed ${seed}: rehashing at ${t / SEC} s`);
    });
  }
});

test('smart routing off: server 2 stays saturated through the spike and rejects far more', () => {
  const off = simulate({ smart: false });
  const on = simulate({ smart: true });
  const means = secondMeans(off.at('probes/server2').load, 12, 25);
  assert.ok(means.every((m) => m >= 0.95), `1 s means ${means.map((m) => m.toFixed(2)).join(' ')}`);
  assert.equal(upCrossings(off.at('probes/server2').load, 0.9, 12 * SEC, 25 * SEC, SEC), 0);
  const rejectedOff = off.at('server2').rejected;
  const rejectedOn = on.at('server2').rejected;
  assert.ok(rejectedOff > 400 && rejectedOff > 3 * rejectedOn, `rejected ${rejectedOff} (off) vs ${rejectedOn} (on)`);
  for (let i = 0; i < 3; i++) assert.equal(off.at(`client${i}`).rehashes, 0);
  // The hot customer's latency is far worse without rerouting.
  const hot = (r: typeof on) => [0, 1, 2].reduce((s, i) => s + r.at(`client${i}`)['latency.class1'].mean, 0) / 3;
  assert.ok(hot(off) > 1.3 * hot(on));
});

test('report.html plots queue depth and load per server, latency per class and rehash rate', () => {
  const { r } = simulate({ smart: true });
  const dir = mkdtempSync(join(tmpdir(), 'smart-routing-'));
  writeReport(dir, { title: 'smart-routing', facts: ['seed 42'], figures: config.summary!(r.metrics, config.params.parse({})), metrics: r.metrics });
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  for (const metric of ['depth', 'load', 'latency.class0', 'latency.class1', 'rehashRate', 'perceived.server2']) assert.ok(html.includes(`<figcaption><b>${metric}</b>`), `no chart for ${metric}`);
  assert.doesNotMatch(html, /\b(src|href)=["']?(https?:)?\/\//, 'report.html must be self-contained (test/report-browser.test.ts checks it in a browser)');
  assert.ok(existsSync(join(dir, 'series.csv')));
  const csv = readFileSync(join(dir, 'series.csv'), 'utf8').split('\n');
  assert.equal(csv[0], 'component,statistic,unit,time_s,value');
  assert.ok(csv.some((l) => l.startsWith('probes/server2,load,share,')));
});

test('the split instantiation cuts the client ↔ server links, and only when they have latency', () => {
  const p = config.params.parse({ latency: '1ms' });
  const system = config.system(p);
  const plan = instantiate(system, config.instantiations.split!(system, p), { config: 'smart-routing', instantiation: 'split', seed: 1 });
  assert.equal(plan.instances.length, 2);
  assert.equal(plan.channels.length, 1);
  assert.equal(plan.channels[0]!.lookahead, 1_000_000_000);
  const zero = config.system(config.params.parse({}));
  assert.throws(() => instantiate(zero, config.instantiations.split!(zero, config.params.parse({})), { config: 'smart-routing', instantiation: 'split', seed: 1 }), /latency/);
});
