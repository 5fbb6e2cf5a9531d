import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showNumber, showPercent, showRate, showSeconds, showSpeed, showTime, showWall } from './format.ts';
import { batchProgress, progressMode, ProgressSink, RunProgress } from './progress.ts';

test('figures read with sensible digits and units', () => {
  assert.equal(showTime(27842.704747377808e12), '27,843 s');
  assert.equal(showTime(1_000_000_000), '1 ms');
  assert.equal(showTime(999_960_000), '1 ms', 'rounded before the unit is chosen');
  assert.equal(showTime(12_345_678), '12.35 µs');
  assert.equal(showTime(0), '0 s');
  assert.equal(showSeconds(0.0636363), '63.64 ms');
  assert.equal(showNumber(0.0636363), '0.06364');
  assert.equal(showNumber(1234567.8), '1,234,568');
  assert.equal(showSpeed(0.00123456), '1.23 ms/s');
  assert.equal(showRate(4_561_234), '4.56 M/s');
  assert.equal(showRate(830), '830/s');
  assert.equal(showWall(4.26), '4.3 s');
  assert.equal(showWall(185), '3 min 05 s');
  assert.equal(showWall(7620), '2 h 07 min');
  assert.equal(showPercent(0.2461), '24.6 %');
  assert.equal(showPercent(0.99996), '99.9 %');
  assert.equal(showPercent(1), '100 %');
});

test('progress goes to a live line on a terminal, JSON lines elsewhere, nothing when quiet', () => {
  assert.equal(progressMode({}, { isTTY: true }), 'tty');
  assert.equal(progressMode({}, { isTTY: false }), 'json');
  assert.equal(progressMode({ json: true }, { isTTY: true }), 'json');
  assert.equal(progressMode({ quiet: true }, { isTTY: true }), 'none');
});

function fakeSink(mode: 'tty' | 'json', jsonEveryMs = 2000) {
  let clock = 0;
  const out: string[] = [];
  const sink = new ProgressSink({ mode, write: (t) => out.push(t), clock: () => clock, columns: 200, jsonEveryMs });
  return { sink, out, tick: (ms: number) => (clock += ms) };
}

test('on a terminal: one line redrawn in place with %, speed, events per second and time left, ended by a newline', () => {
  const { sink, out, tick } = fakeSink('tty');
  const p = new RunProgress(sink, 10e9); // --until 10ms
  tick(1000);
  p.update({ now: 1e9, events: 2_000_000, wallSeconds: 1 });
  tick(1000);
  p.update({ now: 2e9, events: 4_000_000, wallSeconds: 2 });
  p.finish(10e9, 20_000_000, 10);
  assert.equal(out.length, 3);
  for (const w of out) assert.ok(w.startsWith('\r') && !w.slice(0, -1).includes('\n'), JSON.stringify(w));
  assert.match(out[1]!, /^\r2 ms \/ 10 ms \(20\.0 %\) · speed 1 ms\/s · 2 M ev\/s · 8\.0 s left\x1b\[K$/);
  assert.match(out[2]!, /100 %.*10 s wall\x1b\[K\n$/);
});

test('a quick run that drew nothing draws no final line on a terminal', () => {
  const { sink, out } = fakeSink('tty');
  new RunProgress(sink, 1e9).finish(1e9, 10, 0.01);
  assert.deepEqual(out, []);
});

test('elsewhere: a JSON line every interval and always a last one at 100 %', () => {
  const { sink, out, tick } = fakeSink('json', 2000);
  const p = new RunProgress(sink, 4e9);
  for (let s = 1; s <= 3; s++) {
    tick(1000);
    p.update({ now: s * 1e9, events: s * 1000, wallSeconds: s });
  }
  p.finish(4e9, 4000, 4);
  const lines = out.map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.simulated), [1e9, 3e9, 4e9], 'the second sample fell inside the interval');
  assert.deepEqual(lines.map((l) => l.percent), [25, 75, 100]);
  assert.deepEqual(lines.map((l) => l.done), [false, false, true]);
  assert.equal(lines[1].leftSeconds, 1);
  assert.ok(out.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1));
});

test('without --until: simulated time and speed, no percentage or time left', () => {
  const { sink, out, tick } = fakeSink('json', 0);
  const p = new RunProgress(sink, undefined);
  tick(1000);
  p.update({ now: 5e9, events: 100, wallSeconds: 1 });
  const l = JSON.parse(out[0]!);
  assert.equal(l.percent, null);
  assert.equal(l.leftSeconds, null);
  assert.equal(l.speed, 0.005);
});

test('batches: runs done and time left', () => {
  const { sink, out, tick } = fakeSink('tty');
  const show = batchProgress(sink);
  tick(1000);
  show({ done: 3, total: 12, elapsedSeconds: 6, leftSeconds: 18 });
  show({ done: 12, total: 12, elapsedSeconds: 20, leftSeconds: 0 });
  assert.equal(out[0], '\r[#####...............] 3/12 runs · 6.0 s · ~18 s left\x1b[K');
  assert.equal(out[1], '\r[####################] 12/12 runs · 20 s\x1b[K\n');
});
