import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Doorbell } from './doorbell.ts';
import { createRing } from './ring.ts';
import { connectChannel, listenChannel, SocketChannelEnd } from './socket-transport.ts';
import { Synchronizer } from './sync.ts';
import { RingChannelEnd } from './thread-transport.ts';
import { Trunk, type Inbox } from './trunk.ts';
import type { ChannelEnd } from './channel-end.ts';

class Clock implements Inbox {
  now = 0;
  got: number[] = [];
  deliver(time: number): void {
    this.got.push(time);
  }
}

/** Two ends of channel 0 (lookahead 1000, sync interval 1000) over rings, in one thread. `bReceives`: whether b's port receives. */
function ringPair(bReceives = true) {
  const ta = new Trunk(1);
  ta.add(0, 0, 5, 1000, 'a.p');
  const tb = new Trunk(1);
  tb.add(0, 0, bReceives ? 6 : -1, 1000, 'b.p');
  const ca = new Clock();
  const cb = new Clock();
  const ab = createRing();
  const ba = createRing();
  const bell = () => new Doorbell(new Int32Array(new SharedArrayBuffer(64)), 0);
  const base = { channel: 0, name: 'A↔B', lookahead: 1000, syncInterval: 1000 };
  const a = new RingChannelEnd({ ...base, peer: 'B', trunk: ta, inbox: ca, out: ab, in: ba, peerBell: bell(), whileFull: () => {} });
  const b = new RingChannelEnd({ ...base, peer: 'A', trunk: tb, inbox: cb, out: ba, in: ab, peerBell: bell(), whileFull: () => {} });
  for (const e of [a, b]) e.hello(e.inbound);
  return { a, b, ca, cb, sa: new Synchronizer([a]), sb: new Synchronizer([b]) };
}

test('safe time, due syncs and the promise a message implies follow the CMB rules', () => {
  const { a, b, ca, cb, sa, sb } = ringPair();
  sa.poll();
  sb.poll();
  // Nothing is sent before time 0, so each side may run below one lookahead from the start.
  assert.equal(sa.safeTime(), 1000);
  assert.equal(sa.nextDue(), 1000);
  // Basis below the last send + sync interval: nothing due.
  sa.sendDue(999);
  assert.equal(a.counters.syncMsgs, 0);
  // Due: promise min(next, safe) + lookahead.
  sa.sendDue(1000);
  assert.equal(a.counters.syncMsgs, 1);
  sb.poll();
  assert.equal(sb.safeTime(), 2000);
  // A message sent at 1500 arrives at 2500 and promises 2500: nothing later can be sent before 1500.
  ca.now = 1500;
  a.send(0, 2500, 42, 7, undefined);
  a.flush();
  sb.poll();
  assert.deepEqual(cb.got, [2500]);
  assert.equal(b.promise, 2500);
  assert.equal(b.counters.rxMsgs, 1);
  assert.equal(a.counters.txMsgs, 1);
  assert.equal(sa.nextDue(), 2500);
  // Finishing promises Infinity.
  sa.promiseForever();
  sb.poll();
  assert.equal(sb.safeTime(), Infinity);
  assert.deepEqual(sa.counts(), [[0, 1, 0]]);
});

test('an instance whose ports on a channel never receive needs no promises, and its peer sends none', () => {
  const { a, b, sa, sb } = ringPair(false);
  sa.poll();
  sb.poll();
  assert.equal(b.inbound, false);
  assert.equal(sb.safeTime(), Infinity, 'b waits on nothing');
  assert.equal(a.peerNeedsPromises, false);
  sa.sendDue(10_000);
  assert.equal(a.counters.syncMsgs, 0, 'a sends b no syncs');
  assert.equal(sa.nextDue(), Infinity);
  // b still promises to a, which receives.
  sb.sendDue(5000);
  sa.poll();
  assert.equal(sa.safeTime(), 6000);
});

test('socket ends carry batched frames of messages, references and syncs, split anywhere by the stream', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-sock-'));
  try {
    const path = join(dir, 'c0.sock');
    const { accepted } = await listenChannel(path);
    const client = await connectChannel(path);
    const server = await accepted;
    const ta = new Trunk(1);
    ta.add(0, 0, 5, 1000, 'a.p');
    const tb = new Trunk(1);
    tb.add(0, 0, 6, 1000, 'b.p');
    const ca = new Clock();
    const got: unknown[] = [];
    const cb: Inbox = { now: 0, deliver: (_time, _order, _handler, num, ref) => got.push(ref === undefined ? num : ref) };
    const base = { channel: 0, name: 'A↔B', lookahead: 1000, syncInterval: 1000, onInput: () => {}, onLost: (why: string) => assert.fail(why) };
    const a: ChannelEnd = new SocketChannelEnd({ ...base, peer: 'B', trunk: ta, inbox: ca, socket: client });
    const b: ChannelEnd = new SocketChannelEnd({ ...base, peer: 'A', trunk: tb, inbox: cb, socket: server });
    a.hello(true);
    b.hello(true);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      ca.now = i;
      if (i % 1000 === 7) a.send(0, i + 1000, i, i, { i, s: 'x'.repeat(i % 50) });
      else if (i % 10 === 3) a.send(0, i + 1000, i, i, { dst: i, size: 1538, sent: i / 3 });
      else a.send(0, i + 1000, i, i, undefined);
    }
    a.sync(n + 5000, n + 4000);
    while (b.promise < n + 5000) {
      await new Promise((r) => setTimeout(r, 5));
      b.poll();
    }
    assert.equal(got.length, n);
    got.forEach((g, i) => assert.deepEqual(g, i % 1000 === 7 ? { i, s: 'x'.repeat(i % 50) } : i % 10 === 3 ? { dst: i, size: 1538, sent: i / 3 } : i));
    assert.equal(b.demux.dataIn, n);
    a.close();
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
