import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime, parseRate, parseTime, formatRate, MAX_TIME, NS, MS, SEC, US } from './time.ts';
import { SplitSimError } from './errors.ts';

test('parses times with units into integer picoseconds', () => {
  assert.equal(parseTime('500ns'), 500 * NS);
  assert.equal(parseTime('1.5ms'), 1_500_000_000);
  assert.equal(parseTime('0.3ns'), 300);
  assert.equal(parseTime('2s'), 2 * SEC);
  assert.equal(parseTime('10us'), 10 * US);
  assert.equal(parseTime('10µs'), 10 * US);
  assert.equal(parseTime('7ps'), 7);
  assert.equal(parseTime('1e3ns'), 1_000_000);
  assert.equal(parseTime(42), 42);
});

test('time formatting round-trips exactly', () => {
  for (const t of [0, 1, 999, 1000, 1500, 1_500_000_000, 2 * SEC, 123_456_789_012_345, MAX_TIME, 3 * MS + 7]) {
    assert.equal(parseTime(formatTime(t)), t, `round trip of ${t} via ${formatTime(t)}`);
  }
  assert.equal(formatTime(1_500_000_000), '1.5ms');
  assert.equal(formatTime(500 * NS), '500ns');
});

test('rejects bad times with a message naming the input', () => {
  const cases: Array<[string, RegExp]> = [
    ['500 furlongs', /unknown time unit "furlongs" in "500 furlongs"/],
    ['fast', /cannot read "fast" as a time/],
    ['1.5ps', /"1.5ps" is not a whole number of picoseconds/],
    ['-3ns', /non-negative/],
    ['3h', /past 2\^53 ps/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseTime(input, 'latency'), (err: unknown) => err instanceof SplitSimError && message.test(err.message), input);
  }
  assert.throws(() => parseTime(MAX_TIME + 2), /past 2\^53/);
  assert.throws(() => parseTime(1.5), /whole number/);
});

test('parses and formats rates', () => {
  assert.equal(parseRate('10Gbps'), 1e10);
  assert.equal(parseRate('100Mbps'), 1e8);
  assert.equal(parseRate('1.5Kbps'), 1500);
  assert.equal(formatRate(1e10), '10Gbps');
  assert.equal(parseRate(formatRate(4e10)), 4e10);
  assert.throws(() => parseRate('10GB'), /cannot read "10GB" as a rate/);
  assert.throws(() => parseRate('0Gbps'), /must be positive/);
});
