import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { aggregate, estimate, runBatch, type ReplicationTask } from './replications.ts';
import { expandGrid, parseGrid, sweepCsv } from './sweep.ts';
import { collectSeries, metricSections, reportHtml, seriesCsv } from './report.ts';
import { unitLookup } from './report-units.ts';

const broker = fileURLToPath(new URL('../../../configs/broker.ts', import.meta.url));

test('estimate: mean and Student-t 95 % half-width', () => {
  const e = estimate([1, 2, 3, 4, 5]);
  assert.equal(e.n, 5);
  assert.equal(e.mean, 3);
  // s = √2.5, t(0.975, 4) = 2.776: half-width 2.776·√2.5/√5 = 1.963.
  assert.ok(Math.abs(e.ci95 - 1.9629) < 2e-3, String(e.ci95));
  assert.equal(estimate([7]).ci95, Infinity);
  assert.equal(estimate([1, NaN, 3]).n, 2);
});

test('aggregate: per figure over runs, keeping theory and unit; statistics by name', () => {
  const run = (seed: number, v: number) => ({ seed, figures: [{ name: 'wait', value: v, expected: 2, unit: 's' }], values: { 'a.served': v * 10 }, events: 1, simulatedTime: 1, wallSeconds: 1 });
  const a = aggregate([run(1, 1), run(2, 3)]);
  assert.equal(a.figures[0]!.mean, 2);
  assert.equal(a.figures[0]!.expected, 2);
  assert.equal(a.figures[0]!.unit, 's');
  assert.equal(a.values['a.served']!.mean, 20);
});

test('grids: values are JSON where they parse, commas inside brackets stay, points are the product', () => {
  const axes = parseGrid(['lambda=0.5,0.9', 'stations=["mmn","tandem"],["mmn"]', 'delay=10ms,20ms']);
  assert.deepEqual(axes[1]!.values, [['mmn', 'tandem'], ['mmn']]);
  assert.deepEqual(axes[2]!.values, ['10ms', '20ms']);
  const points = expandGrid(axes);
  assert.equal(points.length, 8);
  assert.deepEqual(points[1], { lambda: 0.5, stations: ['mmn', 'tandem'], delay: '20ms' });
  assert.throws(() => parseGrid(['lambda']), /key=value/);
  assert.throws(() => parseGrid(['a=1', 'a=2']), /twice/);
});

test('sweep CSV: one row per point, mean, half-width and theory per figure', () => {
  const axes = parseGrid(['x=1,2']);
  const mk = (x: number) => ({ seed: 1, figures: [{ name: 'w, s', value: x, expected: 1.5 }], values: {}, events: 0, simulatedTime: 0, wallSeconds: 0 });
  const points = [1, 2].map((x, index) => ({ index, params: { x }, runs: [mk(x), mk(x + 1)], aggregate: aggregate([mk(x), mk(x + 1)]) }));
  const csv = sweepCsv(axes, points).trim().split('\n');
  assert.equal(csv[0], 'x,replications,"w, s","w, s ci95","w, s expected"');
  assert.ok(csv[1]!.startsWith('1,2,1.5,'));
  assert.ok(csv[2]!.endsWith(',1.5'));
});

test('report: series from probe statistics, CSV with units, and a self-contained page', () => {
  const metrics = [
    { id: 0, path: 'probes/s0', model: 'probe.sampler', events: 0, stats: { load: { count: 2, times: [0, 1e12], values: [0.5, null] } } },
    { id: 1, path: 's0', model: 'server.queue', events: 0, stats: { served: 3, wait: { mean: 1, count: 3 } } },
  ];
  const series = collectSeries(metrics as never);
  assert.equal(series.length, 1);
  assert.deepEqual(series[0]!.times, [0, 1]);
  assert.equal(seriesCsv(series, unitLookup()), 'component,statistic,unit,time_s,value\nprobes/s0,load,share,0,0.5\nprobes/s0,load,share,1,\n');
  const sections = metricSections(metrics as never);
  const chart = sections[0]!.charts[0]!;
  assert.deepEqual([chart.title, chart.xLabel, chart.yLabel], ['load', 'simulated time (s)', 'load (%)']);
  assert.deepEqual(chart.series[0]!.y, [50, null], 'a share is drawn in %, a gap stays a gap');
  const html = reportHtml({ title: 'x <y>', facts: [], figures: [{ name: 'w', value: 1.1, expected: 1, ci95: 0.05 }], metrics: metrics as never }, sections);
  assert.match(html, /x &lt;y&gt;/);
  assert.match(html, /10\.00 %/);
  assert.match(html, />1\.1 ± 0\.05</);
  assert.match(html, /var uPlot=/, 'uPlot is inlined');
  assert.doesNotMatch(html, /\b(src|href)=["']?(https?:)?\/\//, 'nothing is loaded from elsewhere');
});

test('replications run independent seeds, in this thread and on a piscina pool alike', async () => {
  const task = (seed: number): ReplicationTask => ({ file: broker, overrides: { stations: ['tandem'], warmup: '10s' }, seed, until: '200s' });
  const inThread = await runBatch([task(1), task(2)], { workers: 0 });
  const pooled = await runBatch([task(1), task(2), task(3)], { workers: 2 });
  // Same seed, same result, whichever thread ran it.
  assert.deepEqual(pooled[0]!.figures, inThread[0]!.figures);
  assert.deepEqual(pooled[1]!.figures, inThread[1]!.figures);
  assert.notDeepEqual(pooled[0]!.figures, pooled[1]!.figures);
  const agg = aggregate(pooled);
  const stage2 = agg.figures.find((f) => f.name.startsWith('tandem stage-2'))!;
  assert.equal(stage2.n, 3);
  assert.ok(Math.abs(stage2.mean - 125) < 3 && stage2.ci95 < 5, JSON.stringify(stage2));
  assert.ok(pooled[0]!.values['tandem/receiver.arrived']! > 0);
});

test('a failing replication ends the batch with its own error, and the process lives on', async () => {
  // Each task fails at once. Piscina hands a worker its next task before the answer to the last
  // one is seen, so a pool destroyed on the first failure raced with a running task and ended
  // the process ("Unexpected message from Worker"), about one run in three of ten rounds.
  const bad = (seed: number): ReplicationTask => ({ file: broker, overrides: { stations: ['no-such-station'] }, seed, until: '1s' });
  for (let round = 0; round < 3; round++) {
    await assert.rejects(runBatch([bad(1), bad(2), bad(3), bad(4)], { workers: 1 }), (e: Error & { code?: string }) => {
      assert.match(e.message, /parameter stations\.0: Invalid option/);
      assert.equal(e.code, 'E_PARAMS');
      return true;
    });
  }
});
