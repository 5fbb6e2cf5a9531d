import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from '@splitsim/instantiation';
import { Termination } from './termination.ts';

// Three instances in a row: channel 0 joins i0 and i1, channel 1 joins i1 and i2.
const plan = {
  instances: [0, 1, 2].map((id) => ({ id, name: `i${id}`, components: [], placement: { kind: 'thread' } })),
  channels: [
    { id: 0, name: 'i0↔i1', a: 0, b: 1, links: [], lookahead: 10, syncInterval: 10 },
    { id: 1, name: 'i1↔i2', a: 1, b: 2, links: [], lookahead: 10, syncInterval: 10 },
  ],
} as unknown as Plan;

test('nothing is decided while any instance still runs', () => {
  const t = new Termination(plan, 1000);
  t.done(0, 500, 0, [[0, 3, 2]]);
  t.done(1, 600, 0, [[0, 2, 3], [1, 0, 0]]);
  assert.equal(t.decide(), null);
  t.done(2, 700, 0, [[1, 0, 0]]);
  assert.deepEqual(t.decide(), { verdict: { reason: 'empty', now: 700 } });
});

test('events left in a queue or in flight towards a done instance mean the end time was reached', () => {
  const queued = new Termination(plan, 1000);
  queued.done(0, 900, 4, [[0, 0, 0]]);
  queued.done(1, 950, 0, [[0, 0, 0], [1, 0, 0]]);
  queued.done(2, 990, 0, [[1, 0, 0]]);
  assert.deepEqual(queued.decide(), { verdict: { reason: 'until', now: 1000 } });

  const inFlight = new Termination(plan, 1000);
  inFlight.done(0, 900, 0, [[0, 5, 0]]);
  inFlight.done(1, 950, 0, [[0, 0, 4], [1, 0, 0]]);
  inFlight.done(2, 990, 0, [[1, 0, 0]]);
  assert.deepEqual(inFlight.decide(), { verdict: { reason: 'until', now: 1000 } });
});

test('blocked instances with empty queues end the run only when no message is in flight towards them', () => {
  const t = new Termination(plan, Infinity);
  t.blocked(0, 100, Infinity, [[0, 7, 6]]);
  t.blocked(1, 120, Infinity, [[0, 6, 6], [1, 2, 3]]);
  t.blocked(2, 130, Infinity, [[1, 3, 2]]);
  // i0 sent 7 on channel 0, i1 received 6: one is in flight towards i1.
  assert.equal(t.decide(), null);
  t.blocked(1, 140, Infinity, [[0, 6, 7], [1, 2, 3]]);
  assert.deepEqual(t.decide(), { verdict: { reason: 'empty', now: 140 } });
});

test('all blocked on sparse events: the earliest next event is granted once, and the end time ends it', () => {
  const t = new Termination(plan, 1000);
  t.blocked(0, 10, 400, [[0, 1, 1]]);
  t.blocked(1, 12, 250, [[0, 1, 1], [1, 0, 0]]);
  t.blocked(2, 13, Infinity, [[1, 0, 0]]);
  assert.deepEqual(t.decide(), { grant: 250, to: [0, 1, 2] });
  assert.equal(t.decide(), null, 'the same bound is not granted twice');
  t.blocked(1, 250, 700, [[0, 1, 1], [1, 1, 0]]);
  assert.equal(t.decide(), null, 'a message to i2 is in flight');
  t.blocked(2, 13, 260, [[1, 0, 1]]);
  assert.deepEqual(t.decide(), { grant: 260, to: [0, 1, 2] });
  // Every next event past the end time: the run ended at the end time with events left.
  t.blocked(0, 10, 1400, [[0, 1, 1]]);
  t.blocked(1, 250, 1700, [[0, 1, 1], [1, 1, 0]]);
  t.blocked(2, 260, 1001, [[1, 0, 1]]);
  assert.deepEqual(t.decide(), { verdict: { reason: 'until', now: 1000 } });
});

test('the earliest stop point wins; instances past it are recorded as having overrun it', () => {
  const t = new Termination(plan, 1000);
  assert.equal(t.stopped(2, 500, 9, 'late stop', [[1, 0, 0]]), true);
  assert.equal(t.stopped(0, 400, 3, 'early stop', [[0, 0, 0]]), true);
  assert.equal(t.stopped(1, 450, 1, 'middle stop', [[0, 0, 0], [1, 0, 0]]), false);
  assert.deepEqual([...t.overran].sort(), [1, 2]);
  assert.deepEqual(t.decide(), { verdict: { reason: 'stopped', now: 400, message: 'early stop' } });
});

test('with a stop point, blocked instances are granted up to it, then the run ends there', () => {
  const t = new Termination(plan, 1000);
  t.stopped(0, 300, 1, 'stop', [[0, 1, 0]]);
  t.done(0, 300, 2, [[0, 1, 0]]);
  t.blocked(1, 200, 280, [[0, 0, 1], [1, 0, 0]]);
  t.done(2, 300, 0, [[1, 0, 0]]);
  assert.deepEqual(t.decide(), { grant: 280, to: [1] });
  t.blocked(1, 290, 305, [[0, 0, 1], [1, 0, 0]]);
  assert.deepEqual(t.decide(), { verdict: { reason: 'stopped', now: 300, message: 'stop' } });
});

test('a bound is granted only to blocked instances: a finished one may still have earlier messages on their way to it', () => {
  // The failure this guards against: i2 finished at the end time while i1 had sent it a message
  // for a time past the end; i0 and i1, blocked on sparse events, got a bound below that
  // message's send time + lookahead, and i2, had it raised its promise too, would have rejected
  // the message when it arrived.
  const t = new Termination(plan, 1000);
  t.blocked(0, 900, 995, [[0, 4, 4]]);
  t.blocked(1, 990, 998, [[0, 4, 4], [1, 5, 3]]);
  t.done(2, 1000, 0, [[1, 3, 3]]);
  assert.deepEqual(t.decide(), { grant: 995, to: [0, 1] });
});
