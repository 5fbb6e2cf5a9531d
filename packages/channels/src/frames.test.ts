/**
 * Socket frames may come from programs we did not write (external instances): every malformed
 * frame or record is refused with an error that names the peer, never read past its end, never
 * waited on forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPackr } from './channel-end.ts';
import { HELLO_BYTES, HELLO_MAGIC, NUM_BYTES, PROTOCOL_VERSION, RecordViews, SYNC_BYTES, T_NUM, writeHello, writeNum, writeSync } from './records.ts';
import { Demux, Trunk, type Inbox } from './trunk.ts';

class Recorder implements Inbox {
  now = 0;
  got: number[] = [];
  deliver(time: number): void {
    this.got.push(time);
  }
}

function setup() {
  const trunk = new Trunk(2);
  trunk.add(0, 3, 5, 1000, 'server.in');
  const inbox = new Recorder();
  const packr = newPackr();
  const demux = new Demux(trunk, inbox, 3, 'a↔ext', 1000, (b) => packr.unpack(b), 'ext');
  return { demux, inbox, v: new RecordViews(new ArrayBuffer(1024), 0, 1024) };
}

const refused = (f: () => void, what: RegExp) =>
  assert.throws(f, (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_CHANNEL');
    assert.match(e.message, /^channel a↔ext: instance ext /);
    assert.match(e.message, what);
    return true;
  });

test('a frame of HELLO, messages and a sync is read; the promise follows the last message and the sync', () => {
  const { demux, inbox, v } = setup();
  writeHello(v, 0, 1);
  writeNum(v, HELLO_BYTES, 0, 1500, 7 * 2 ** 32, 42);
  writeNum(v, HELLO_BYTES + NUM_BYTES, 0, 2500, 7 * 2 ** 32 + 1, 43);
  writeSync(v, HELLO_BYTES + 2 * NUM_BYTES, 9000);
  demux.readFrame(v, 0, HELLO_BYTES + 2 * NUM_BYTES + SYNC_BYTES);
  assert.deepEqual(inbox.got, [1500, 2500]);
  assert.equal(demux.helloSeen, true);
  assert.equal(demux.peerNeedsPromises, true);
  assert.equal(demux.promise, 9000);
  assert.equal(demux.dataIn, 2);
});

test('a HELLO of another protocol version or magic is refused by name', () => {
  let { demux, v } = setup();
  writeHello(v, 0, 0);
  v.i32[3] = PROTOCOL_VERSION + 1;
  refused(() => demux.readFrame(v, 0, HELLO_BYTES), new RegExp(`speaks protocol version ${PROTOCOL_VERSION + 1}; this end speaks version ${PROTOCOL_VERSION}`));
  ({ demux, v } = setup());
  writeHello(v, 0, 0);
  v.i32[2] = HELLO_MAGIC ^ 1;
  refused(() => demux.readFrame(v, 0, HELLO_BYTES), /does not speak the SplitSim protocol/);
});

test('a first record that is not HELLO, an unknown type, a PAD and a record past the frame end are refused', () => {
  let { demux, v } = setup();
  writeNum(v, 0, 0, 1500, 0, 1);
  refused(() => demux.readFrame(v, 0, NUM_BYTES), /first record is of type 2, not HELLO/);
  for (const [word, what] of [[0x41, /unknown record type 65/], [0, /a PAD record/]] as const) {
    ({ demux, v } = setup());
    writeHello(v, 0, 1);
    v.i32[HELLO_BYTES >> 2] = word;
    refused(() => demux.readFrame(v, 0, HELLO_BYTES + 16), what);
  }
  ({ demux, v } = setup());
  writeHello(v, 0, 1);
  v.i32[HELLO_BYTES >> 2] = T_NUM;
  refused(() => demux.readFrame(v, 0, HELLO_BYTES + 16), /runs past the end of its frame \(16 bytes left\)/);
});

test('a message below the promise, or with a time that is not a number, breaks the protocol and names the peer', () => {
  for (const time of [900, NaN]) {
    const { demux, v } = setup();
    writeHello(v, 0, 1);
    writeNum(v, HELLO_BYTES, 0, time, 0, 1);
    refused(() => demux.readFrame(v, 0, HELLO_BYTES + NUM_BYTES), /broke its promise: it sent a message for .* after it promised nothing before 1ns/);
  }
});
