import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRing, RingReader, RingWriter } from './ring.ts';
import { NUM_BYTES, refRecordBytes, writeNum, writeRef, writeSync } from './records.ts';
import { Demux, Trunk, type Inbox } from './trunk.ts';
import { newPackr } from './channel-end.ts';

class Recorder implements Inbox {
  now = 0;
  got: Array<[number, number, number, number, unknown]> = [];
  deliver(time: number, order: number, handler: number, num: number, ref: unknown): void {
    this.got.push([time, order, handler, num, ref]);
  }
}

function setup(capacity = 4096) {
  const trunk = new Trunk(4);
  trunk.add(0, 7, 11, 1000, 'a.out');
  trunk.add(1, 7, 12, 5000, 'b.out');
  trunk.add(2, 8, 13, 1000, 'c.out');
  trunk.add(3, 7, -1, 1000, 'deaf.in');
  const inbox = new Recorder();
  const packr = newPackr();
  const demux = new Demux(trunk, inbox, 7, 'x↔y', 1000, (b) => packr.unpack(b));
  const sab = createRing(capacity);
  return { trunk, inbox, demux, sab, reader: new RingReader(sab) };
}

test('messages cross the ring field by field, in order, and wrap around the end with a PAD record', () => {
  const { inbox, demux, sab, reader } = setup();
  const writer = new RingWriter(sab, () => assert.fail('the ring should not fill'));
  let sent = 0;
  // 4096-byte ring, 32-byte records: 1000 messages wrap it several times.
  for (let round = 0; round < 50; round++) {
    for (let k = 0; k < 20; k++) {
      const off = writer.reserve(NUM_BYTES);
      writeNum(writer.v, off, 0, 1000 + sent, sent * 2 ** 32 + k, sent * 0.5);
      writer.commit(NUM_BYTES);
      sent++;
    }
    writer.publish();
    reader.drain(demux);
  }
  assert.equal(inbox.got.length, 1000);
  inbox.got.forEach(([time, , handler, num], i) => {
    assert.equal(time, 1000 + i);
    assert.equal(handler, 11);
    assert.equal(num, i * 0.5);
  });
  assert.equal(demux.dataIn, 1000);
  // A message on a link of latency 1000 sent at time t promises t + lookahead: the last one was sent at 999.
  assert.equal(demux.promise, 999 + 1000);
});

test('a full ring calls whileFull until the reader makes room, and nothing is lost', () => {
  const { inbox, demux, sab, reader } = setup();
  let fullCalls = 0;
  const writer = new RingWriter(sab, () => {
    fullCalls++;
    reader.drain(demux);
  });
  for (let i = 0; i < 500; i++) {
    const off = writer.reserve(NUM_BYTES);
    writeNum(writer.v, off, 0, 1000 + i, i, i);
    writer.commit(NUM_BYTES);
  }
  writer.publish();
  reader.drain(demux);
  assert.ok(fullCalls > 0);
  assert.deepEqual(inbox.got.map((g) => g[3]), Array.from({ length: 500 }, (_, i) => i));
});

test('the demultiplexer checks links and promises, and decodes references', () => {
  const { inbox, demux, sab, reader, trunk } = setup();
  const packr = newPackr();
  const writer = new RingWriter(sab, () => {});
  // A reference payload, on a slower link: its implied promise is its send time + the lookahead.
  const ref = { path: ['a', 'b'], bytes: new Uint8Array([1, 2, 3]) };
  const payload = packr.pack(ref);
  const size = refRecordBytes(payload.length);
  writeRef(writer.v, writer.reserve(size), 1, 9000, 5, 2.5, payload);
  writer.commit(size);
  writeSync(writer.v, writer.reserve(16), 20_000);
  writer.commit(16);
  writer.publish();
  reader.drain(demux);
  assert.deepEqual(inbox.got[0], [9000, 5, 12, 2.5, ref]);
  assert.equal(demux.promise, 20_000);
  assert.equal(demux.dataIn, 1);
  assert.equal(trunk.receives(7), true);

  const bad = (link: number, time: number, code: string, pattern: RegExp) => {
    const t = setup();
    const w = new RingWriter(t.sab, () => {});
    writeSync(w.v, w.reserve(16), 20_000);
    w.commit(16);
    writeNum(w.v, w.reserve(NUM_BYTES), link, time, 0, 0);
    w.commit(NUM_BYTES);
    w.publish();
    assert.throws(() => t.reader.drain(t.demux), (err: any) => err.code === code && pattern.test(err.message));
  };
  bad(0, 19_999, 'E_CHANNEL', /promised nothing before 20ns/);
  bad(2, 30_000, 'E_CHANNEL', /link 2, which this channel does not carry/);
  bad(3, 30_000, 'E_PORT', /deaf\.in: a message arrived over channel x↔y/);
});
