import type { SackPacket } from './packet.ts';
import { insertRange, type Conn } from './tcp-conn.ts';

/**
 * Selective acknowledgement as functions of a connection's state: the receiver's blocks (RFC
 * 2018) and the sender's scoreboard with RFC 6675's IsLost, SetPipe and NextSeg. Tcp calls them;
 * they send nothing themselves. Ranges are flat sorted lists [start, end, …] (see insertRange),
 * a handful long at most, so every function here walks them.
 */

/** RFC 6675's DupThresh: three SACKed segments (or this many MSS of SACKed bytes) above a hole make it lost. */
const DUP_THRESH = 3;

/** Index (even) of the range in `r` that holds byte `x`, or -1. */
function rangeAt(r: readonly number[], x: number): number {
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > x) return -1;
    if (x < r[i + 1]!) return i;
  }
  return -1;
}

/** Whether the first `n` blocks in `out` include one starting at `left`. */
function listed(out: readonly number[], n: number, left: number): boolean {
  for (let k = 0; k < n; k++) if (out[2 * k] === left) return true;
  return false;
}

/** Puts range `i` of `ooo` as block `n` of `out`; returns the new count. */
function putBlock(out: number[], n: number, ooo: readonly number[], i: number): number {
  out[2 * n] = ooo[i]!;
  out[2 * n + 1] = ooo[i + 1]!;
  return n + 1;
}

/**
 * Receiver: the SACK blocks for the acknowledgement about to go out, as [left, right] pairs in
 * `out`; returns how many (0 to 3: what fits beside the timestamp option). RFC 2018 §4: the first
 * holds the segment that prompted the acknowledgement (unless it advanced rcvNxt), then the
 * blocks reported most recently, so that a lost acknowledgement costs the sender nothing; what
 * room is left goes to the lowest ranges, which the sender needs first.
 */
export function sackBlocks(c: Conn, out: number[]): number {
  const ooo = c.ooo;
  const recent = c.sackRecent;
  let n = 0;
  if (c.lastOoo >= 0) {
    const i = rangeAt(ooo, c.lastOoo);
    if (i >= 0) n = putBlock(out, n, ooo, i);
  }
  for (let k = 0; k < recent.length && n < 3; k++) {
    const i = rangeAt(ooo, recent[k]!);
    if (i >= 0 && !listed(out, n, ooo[i]!)) n = putBlock(out, n, ooo, i);
  }
  for (let i = 0; i < ooo.length && n < 3; i += 2) if (!listed(out, n, ooo[i]!)) n = putBlock(out, n, ooo, i);
  recent.length = n;
  for (let k = 0; k < n; k++) recent[k] = out[2 * k]!;
  return n;
}

/** SACKed bytes in [a, b). */
function sackedIn(c: Conn, a: number, b: number): number {
  return b > a ? sackedBelow(c, b) - sackedBelow(c, a) : 0;
}

/**
 * Adds one block to the scoreboard, clipped to [sndUna, sndMax). For the first block (it holds
 * the segment just delivered), data newly SACKed below the highest SACKed range that was never
 * retransmitted arrived after data sent later: reordering.
 */
function takeBlock(c: Conn, left: number, right: number, first: boolean): void {
  const l = Math.max(left, c.sndUna);
  const r = Math.min(right, c.sndMax);
  if (r <= l) return;
  const s = c.sacked;
  const i = rangeAt(s, l);
  if (i >= 0 && s[i + 1]! >= r) return;
  if (first && s.length > 0) {
    const a = Math.max(l, c.highRxt);
    const b = Math.min(r, s[s.length - 2]!);
    if (b > a && sackedIn(c, a, b) < b - a) c.reordering = true;
  }
  c.sackedBytes += r - l - sackedIn(c, l, r);
  insertRange(s, l, r);
}

/** Sender: takes the blocks of an acknowledgement into the scoreboard (after sndUna has moved). */
export function sackTake(c: Conn, p: SackPacket): void {
  takeBlock(c, p.sackL1, p.sackR1, true);
  if (p.sackR2 > 0) takeBlock(c, p.sackL2, p.sackR2, false);
  if (p.sackR3 > 0) takeBlock(c, p.sackL3, p.sackR3, false);
}

/** Sender: drops what the cumulative acknowledgement now covers from the scoreboard. */
export function sackTrim(c: Conn): void {
  const s = c.sacked;
  const una = c.sndUna;
  let k = 0;
  let gone = 0;
  while (k < s.length && s[k + 1]! <= una) {
    gone += s[k + 1]! - s[k]!;
    k += 2;
  }
  if (k > 0) s.splice(0, k);
  if (s.length > 0 && s[0]! < una) {
    gone += una - s[0]!;
    s[0] = una;
  }
  c.sackedBytes -= gone;
}

/** SACKed bytes below `x`. */
export function sackedBelow(c: Conn, x: number): number {
  const s = c.sacked;
  let sum = 0;
  for (let i = 0; i < s.length && s[i]! < x; i += 2) sum += Math.min(s[i + 1]!, x) - s[i]!;
  return sum;
}

/** The first byte at or after `x` that is not SACKed. */
export function firstHole(c: Conn, x: number): number {
  const i = rangeAt(c.sacked, x);
  return i < 0 ? x : c.sacked[i + 1]!;
}

/** The start of the first SACKed range above `x`, or Infinity: a retransmission of the hole at `x` stops there. */
export function nextSacked(c: Conn, x: number): number {
  const s = c.sacked;
  for (let i = 0; i < s.length; i += 2) if (s[i]! > x) return s[i]!;
  return Infinity;
}

/**
 * RFC 6675's IsLost as one edge: every un-SACKed byte below it is lost, none above. A hole is
 * lost when more than (DupThresh - 1) MSS are SACKed above it, or DupThresh SACKed ranges (each
 * at least a segment; segments themselves are not recorded, so several small ones in one range
 * count once). Returns sndUna when nothing is lost. With `rack`, in recovery and without
 * reordering seen, every hole below the highest SACKed range is lost (see TcpParams.rack): first
 * transmissions leave in sequence order, so each was sent before the data SACKed above it.
 */
export function lostEdge(c: Conn, mss: number, rack: boolean): number {
  const s = c.sacked;
  if (rack && c.inRecovery && !c.reordering && s.length > 0) return s[s.length - 2]!;
  let bytes = 0;
  let ranges = 0;
  for (let i = s.length - 2; i >= 0; i -= 2) {
    bytes += s[i + 1]! - s[i]!;
    ranges++;
    if (bytes > (DUP_THRESH - 1) * mss || ranges >= DUP_THRESH) return s[i]!;
  }
  return c.sndUna;
}

/**
 * RFC 6675's SetPipe: bytes in flight. An un-SACKed byte counts once unless it is lost, and once
 * more if it was retransmitted in this recovery; `lost` is lostEdge(). Retransmission runs through
 * the holes in order, so what was retransmitted is the un-SACKed bytes below highRxt.
 */
export function sackPipe(c: Conn, lost: number): number {
  const una = c.sndUna;
  const rxt = Math.min(Math.max(c.highRxt, una), c.sndMax);
  return c.sndMax - una - c.sackedBytes - holesBelow(c, Math.max(lost, una)) + holesBelow(c, rxt);
}

/** Un-SACKed bytes in [sndUna, x). */
function holesBelow(c: Conn, x: number): number {
  return x - c.sndUna - sackedBelow(c, x);
}

/**
 * Proportional rate reduction (RFC 6937, bounded as Linux and RFC 6937bis bound it): how many
 * bytes recovery may send now. While the pipe is above ssthresh, sending follows delivery at the
 * rate ssthresh / (flight when recovery began), so the queue that overflowed drains instead of
 * refilling at once. Below it, the pipe grows back towards ssthresh: a segment ahead of delivery
 * (slow-start reduction bound) only on an acknowledgement that moved sndUna and marked nothing
 * newly lost; otherwise no faster than delivery, so that holes found lost while the queue is
 * still full do not overflow it again.
 */
export function prrQuota(c: Conn, pipe: number, delivered: number, mss: number, grow: boolean): number {
  let quota: number;
  if (pipe > c.ssthresh) quota = Math.ceil((c.prrDelivered * c.ssthresh) / c.recoverFs) - c.prrOut;
  else quota = Math.min(c.ssthresh - pipe, grow ? Math.max(c.prrDelivered - c.prrOut, delivered) + mss : delivered);
  return Math.max(quota, 0);
}
