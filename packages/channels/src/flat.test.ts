import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Doorbell } from './doorbell.ts';
import { createRing } from './ring.ts';
import { RingChannelEnd } from './thread-transport.ts';
import { Trunk, type Inbox } from './trunk.ts';
import { FlatShapes, FlatWriter } from './flat.ts';

function ringPair(got: unknown[]) {
  const ta = new Trunk(1);
  ta.add(0, 0, 5, 1000, 'a.p');
  const tb = new Trunk(1);
  tb.add(0, 0, 6, 1000, 'b.p');
  const ca: Inbox = { now: 0, deliver: () => {} };
  const cb: Inbox = { now: 0, deliver: (_t, _o, _h, num, ref) => got.push(ref === undefined ? num : ref) };
  const ab = createRing();
  const ba = createRing();
  const bell = () => new Doorbell(new Int32Array(new SharedArrayBuffer(64)), 0);
  const base = { channel: 0, name: 'A↔B', lookahead: 1000, syncInterval: 1000 };
  const a = new RingChannelEnd({ ...base, peer: 'B', trunk: ta, inbox: ca, out: ab, in: ba, peerBell: bell(), whileFull: () => {} });
  const b = new RingChannelEnd({ ...base, peer: 'A', trunk: tb, inbox: cb, out: ba, in: ab, peerBell: bell(), whileFull: () => {} });
  for (const e of [a, b]) e.hello(true);
  return { a, b };
}

const packet = (i: number) => ({ dst: i % 7, hash: -i * 2654435761, size: 1538, flags: 16 | (i & 1), src: 3, seq: i * 1448, sent: i * 1e6 + 0.5 });

test('flat references cross a ring field by field, bit for bit, with shapes announced once and anything else through msgpackr', () => {
  const got: unknown[] = [];
  const { a, b } = ringPair(got);
  class Tagged {
    x = 1;
  }
  const sent: unknown[] = [];
  for (let i = 0; i < 5000; i++) {
    let ref: unknown;
    if (i % 500 === 3) ref = { dst: 1, note: 'not flat' };
    else if (i % 700 === 5) ref = { hash: 1, dst: 2 }; // another shape, and the same keys in another order are yet another
    else if (i % 900 === 8) ref = { dst: 2, hash: 1 };
    else if (i === 4000) ref = { a: -0, b: NaN, c: Infinity, d: -Number.MAX_VALUE, e: 2 ** 53 + 2 };
    else if (i === 4001) ref = new Tagged();
    else ref = packet(i);
    sent.push(ref);
    a.send(0, 1000 + i, i, i, ref);
    if (i % 97 === 0) {
      a.flush();
      b.poll();
    }
  }
  a.flush();
  b.poll();
  assert.equal(got.length, sent.length);
  for (let i = 0; i < sent.length; i++) {
    const s = sent[i] as Record<string, unknown>;
    const g = got[i] as Record<string, unknown>;
    assert.deepEqual(Object.keys(g), Object.keys(s), `keys of message ${i}`);
    for (const k of Object.keys(s)) assert.ok(Object.is(g[k], s[k]), `message ${i}: ${k} is ${String(g[k])}, sent ${String(s[k])}`);
    assert.equal(Object.getPrototypeOf(g), Object.prototype);
  }
  assert.equal(b.demux.dataIn, sent.length);
});

test('a flat writer matches only plain objects of exactly its shape', () => {
  const w = new FlatWriter();
  assert.equal(w.matches({ a: 1 }), false, 'no shape yet');
  assert.equal(w.adopt({ a: 1, b: 2 }), 'new');
  assert.equal(w.matches({ a: 5, b: 6 }), true);
  assert.equal(w.matches({ a: 5 }), false);
  assert.equal(w.matches({ a: 5, b: 6, c: 7 }), false);
  assert.equal(w.matches({ b: 6, a: 5 }), false);
  assert.equal(w.matches({ a: 5, b: '6' }), false);
  assert.equal(w.matches(Object.assign(Object.create({ z: 1 }), { a: 1, b: 2 })), false);
  assert.equal(w.adopt({ a: 1, b: undefined }), 'no');
  assert.equal(w.adopt({}), 'no');
  assert.equal(w.adopt(JSON.parse('{"__proto__": 1}')), 'no');
  assert.equal(w.adopt({ a: 3, b: 4 }), 'known');
});

test('a malformed or unknown shape is reported, not guessed', () => {
  const s = new FlatShapes();
  assert.match(s.announce(0, new TextEncoder().encode('{')) ?? '', /not JSON/);
  assert.match(s.announce(0, new TextEncoder().encode('[1]')) ?? '', /not a list of field names/);
  assert.match(s.announce(1, new TextEncoder().encode('["a"]')) ?? '', /out of order/);
  assert.equal(s.announce(0, new TextEncoder().encode('["a","b"]')), null);
  assert.deepEqual(s.readers[0]!(new Float64Array([0, 0, 1.5, -2]), 2), { a: 1.5, b: -2 });
});
