import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue, ORDER_BASE } from './queue.ts';
import { Rng } from './rng.ts';

function drain(q: EventQueue): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  while (q.size > 0) {
    q.pop();
    out.push([q.time, q.order, q.num]);
  }
  return out;
}

test('ties in time break by origin component id, then origin sequence number', () => {
  const q = new EventQueue(4);
  const key = (origin: number, seq: number) => origin * ORDER_BASE + seq;
  q.push(10, key(3, 0), 0, 1, undefined);
  q.push(10, key(1, 5), 0, 2, undefined);
  q.push(5, key(9, 9), 0, 3, undefined);
  q.push(10, key(1, 2), 0, 4, undefined);
  q.push(10, key(2, 0), 0, 5, undefined);
  q.push(20, key(0, 0), 0, 6, undefined);
  assert.deepEqual(
    drain(q).map((e) => e[2]),
    [3, 4, 2, 5, 1, 6],
  );
});

test('pops in exact (time, order) order under random pushes and pops, growing past its capacity', () => {
  const rng = new Rng(7, 0);
  const q = new EventQueue(2);
  const reference: Array<[number, number, number]> = [];
  let seq = 0;
  let now = 0;
  for (let step = 0; step < 20000; step++) {
    if (reference.length === 0 || rng.next() < 0.55) {
      // Few distinct times so ties are frequent; some events land at `now` (the front slot's case).
      const time = now + (rng.next() < 0.3 ? 0 : rng.int(50));
      const order = rng.int(8) * ORDER_BASE + seq++;
      q.push(time, order, 0, step, undefined);
      reference.push([time, order, step]);
    } else {
      reference.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const expected = reference.shift()!;
      q.pop();
      assert.deepEqual([q.time, q.order, q.num], expected);
      now = q.time;
    }
    assert.equal(q.size, reference.length);
  }
  reference.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(drain(q), reference);
  assert.equal(q.peekTime(), Infinity);
});

test('carries references and releases them when popped', () => {
  const q = new EventQueue();
  const payload = { id: 1 };
  q.push(1, 0, 7, 3.5, payload);
  q.pop();
  assert.equal(q.ref, payload);
  assert.equal(q.target, 7);
  assert.equal(q.num, 3.5);
  q.push(2, 1, 0, 0, payload);
  q.push(3, 2, 0, 0, undefined);
  q.clear();
  assert.equal(q.size, 0);
  assert.equal(q.peekTime(), Infinity);
});

test('keeps exact order across its two tiers: far-future events mixed with near ones, ties at every horizon', () => {
  // About a hundred pending far-future wake-ups (as a hyperscale run's server banks) split the
  // queue into tiers; near events are mostly a few ps ahead, and times are multiples of 4 so that
  // ties, also with events moved over from the far heap, are frequent.
  for (const seed of [1, 2, 3]) {
    const rng = new Rng(seed, 0);
    const q = new EventQueue(8);
    const reference: Array<[number, number, number]> = [];
    let seq = 0;
    let now = 0;
    const push = (delay: number, step: number) => {
      const time = now + 4 * Math.floor(delay / 4);
      const order = rng.int(4) * ORDER_BASE + seq++;
      q.push(time, order, 0, step, undefined);
      reference.push([time, order, step]);
    };
    for (let i = 0; i < 120; i++) push(rng.int(1 << 20), -1);
    for (let step = 0; step < 30000; step++) {
      if (reference.length < 110 || rng.next() < 0.5) push(rng.next() < 0.02 ? rng.int(1 << 20) : rng.int(rng.next() < 0.5 ? 8 : 200), step);
      else {
        reference.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const expected = reference.shift()!;
        q.pop();
        assert.deepEqual([q.time, q.order, q.num], expected);
        now = q.time;
      }
      assert.equal(q.size, reference.length);
      assert.equal(q.peekTime(), Math.min(...reference.map((e) => e[0])));
    }
    reference.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(drain(q), reference);
  }
});
