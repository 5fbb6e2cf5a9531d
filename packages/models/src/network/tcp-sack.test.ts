import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conn, insertRange, tcpParams } from './tcp-conn.ts';
import { firstHole, lostEdge, nextSacked, prrQuota, sackBlocks, sackPipe, sackTake, sackTrim } from './tcp-sack.ts';
import { makeSackPacket } from './packet.ts';

const MSS = 1000;
const conn = (): Conn => new Conn(0, 1, 2, 3, 0, 0, 0, tcpParams.parse({ mss: MSS }), 0, true);

/** Receiver state after segments [s, s + MSS) arrive in the given order, nothing in order. */
function received(...starts: number[]): Conn {
  const c = conn();
  for (const s of starts) {
    insertRange(c.ooo, s, s + MSS);
    c.lastOoo = s;
  }
  return c;
}

test('receiver: the first block holds the latest segment, then the blocks reported last (RFC 2018 §4), at most 3', () => {
  const c = received(2000);
  const out: number[] = [];
  assert.equal(sackBlocks(c, out), 1);
  assert.deepEqual(out.slice(0, 2), [2000, 3000]);
  insertRange(c.ooo, 5000, 6000);
  c.lastOoo = 5000;
  assert.equal(sackBlocks(c, out), 2);
  assert.deepEqual(out.slice(0, 4), [5000, 6000, 2000, 3000]);
  insertRange(c.ooo, 8000, 9000);
  c.lastOoo = 8000;
  insertRange(c.ooo, 11000, 12000);
  c.lastOoo = 11000;
  // Four ranges: the newest, then the two reported most recently; the oldest report drops out.
  sackBlocks(c, out);
  assert.equal(sackBlocks(c, out), 3);
  assert.deepEqual(out.slice(0, 6), [11000, 12000, 5000, 6000, 2000, 3000]);
  // A segment that joins a range reports the merged range first.
  insertRange(c.ooo, 9000, 10000);
  c.lastOoo = 9000;
  sackBlocks(c, out);
  assert.deepEqual(out.slice(0, 2), [8000, 10000]);
});

/** Sender with `segments` outstanding from 0 and the given segments SACKed. */
function sender(segments: number, sacked: number[]): Conn {
  const c = conn();
  c.sndMax = c.sndNxt = c.sndLimit = segments * MSS;
  const blocks = sacked.map((s) => [s * MSS, (s + 1) * MSS]);
  for (const [l, r] of blocks) sackTake(c, makeSackPacket(0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, -1, [l!, r!], 1));
  return c;
}

test('sender: the scoreboard merges blocks, counts SACKed bytes, and drops what the cumulative ACK covers', () => {
  const c = sender(10, [2, 3, 5, 7]);
  assert.deepEqual(c.sacked, [2000, 4000, 5000, 6000, 7000, 8000]);
  assert.equal(c.sackedBytes, 4000);
  assert.equal(firstHole(c, 2500), 4000);
  assert.equal(firstHole(c, 4000), 4000);
  assert.equal(nextSacked(c, 4000), 5000);
  c.sndUna = 5500;
  sackTrim(c);
  assert.deepEqual(c.sacked, [5500, 6000, 7000, 8000]);
  assert.equal(c.sackedBytes, 1500);
});

test('sender: IsLost needs more than 2 MSS or 3 ranges SACKed above a hole; RACK in recovery, any SACK above it', () => {
  // Holes 0, 1, 4, 6; SACKed 2-3, 5, 7.
  const c = sender(8, [2, 3, 5, 7]);
  // Above hole 4: segments 5 and 7 (2 MSS, 2 ranges): not lost. Above hole 1: 4 MSS: lost.
  assert.equal(lostEdge(c, MSS, false), 2000);
  c.inRecovery = true;
  assert.equal(lostEdge(c, MSS, false), 2000);
  assert.equal(lostEdge(c, MSS, true), 7000);
  c.reordering = true;
  assert.equal(lostEdge(c, MSS, true), 2000);
});

test('sender: the pipe counts un-SACKed segments not deemed lost, and retransmissions again', () => {
  const c = sender(8, [2, 3, 5, 7]);
  // Outstanding 8, SACKed 4, lost below 2000: holes 0 and 1. Pipe: holes 4 and 6.
  assert.equal(sackPipe(c, 2000), 2000);
  c.highRxt = 1000;
  assert.equal(sackPipe(c, 2000), 3000);
  // With everything below the top SACKed range lost, only the retransmission is in flight.
  assert.equal(sackPipe(c, 7000), 1000);
});

test('PRR: above ssthresh sending follows delivery at ssthresh / RecoverFS; below it, at most a segment ahead', () => {
  const c = conn();
  c.ssthresh = 50 * MSS;
  c.recoverFs = 100 * MSS;
  c.prrDelivered = 10 * MSS;
  c.prrOut = 3 * MSS;
  assert.equal(prrQuota(c, 80 * MSS, MSS, MSS, true), 2 * MSS);
  // Below ssthresh: delivered on this ACK, plus a segment only when the ACK moved sndUna and nothing was newly lost.
  assert.equal(prrQuota(c, 40 * MSS, MSS, MSS, false), MSS);
  assert.equal(prrQuota(c, 40 * MSS, MSS, MSS, true), 8 * MSS);
  assert.equal(prrQuota(c, 49.5 * MSS, MSS, MSS, true), 0.5 * MSS);
});
