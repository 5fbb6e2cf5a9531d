import { z } from 'zod';
import { MS, SEC, units } from '@splitsim/kernel';

/** TCP's parameters, the per-connection state, and the small sorted-list helpers TCP uses. */

export const tcpParams = z
  .object({
    /** Largest payload per segment, bytes. */
    mss: z.number().int().positive().default(1448),
    /** Initial congestion window, segments (RFC 6928). */
    initialCwnd: z.number().int().positive().default(10),
    /** Lower bound of the retransmission timeout; datacenter stacks use about a millisecond, not RFC 6298's second. */
    minRto: units.time().default(MS),
    /** Timeout before the first RTT sample. */
    initialRto: units.time().default(MS),
    maxRto: units.time().default(SEC),
    /** DCTCP's gain g for the marked-fraction average α (RFC 8257). */
    dctcpG: z.number().positive().max(1).default(1 / 16),
  })
  .strict();

export type TcpParams = z.output<typeof tcpParams>;

export const CC_RENO = 0;
export const CC_DCTCP = 1;

/**
 * One end of a connection. An object per connection (never per packet): sequence numbers are
 * plain byte offsets from 0 (no wrap, no handshake: the first segment opens the connection at
 * the listener). Data is virtual: only offsets, lengths and message boundaries travel.
 */
export class Conn {
  // Send side.
  sndUna = 0;
  sndNxt = 0;
  sndMax = 0;
  /** Bytes the application has written; the sender never goes past it. */
  sndLimit = 0;
  cwnd: number;
  ssthresh = Infinity;
  dupAcks = 0;
  /** NewReno recovery point: sndMax when loss recovery began (-1: never). */
  recover = -1;
  inRecovery = false;
  srtt = -1;
  rttvar = 0;
  rto: number;
  /** When the retransmission timer expires (Infinity: stopped), and whether its event is pending. */
  rtoDeadline = Infinity;
  rtoPending = false;
  /** DCTCP state: α, the bytes acknowledged and marked in the current observation window, its end. */
  alpha = 1;
  winAcked = 0;
  winMarked = 0;
  winEnd = 0;
  /** No second window reduction for ECN until the data outstanding at the last one is acknowledged. */
  cwrEnd = 0;
  /** Ends of written messages not yet acknowledged, ascending, and their application words; segments never straddle one. */
  readonly txEnds: number[] = [];
  readonly txWords: number[] = [];

  // Receive side.
  rcvNxt = 0;
  /** Out-of-order ranges held for reassembly, flat [start, end, …], sorted and disjoint. */
  readonly ooo: number[] = [];
  /** Ends of messages announced (PSH) but not yet received in order, ascending, and their words. */
  readonly rxEnds: number[] = [];
  readonly rxWords: number[] = [];
  /** Timestamp to echo: `sent` of the last segment received (-1: none yet). */
  tsRecent = -1;
  /** Echo Congestion Experienced on the next acknowledgement (DCTCP's exact echo). */
  ceEcho = false;
  /** Waiting for room in the host's output queue (see Tcp.wake). */
  blocked = false;
  /** Response sizes of requests received and not yet answered (RPC servers). */
  readonly pending: number[] = [];
  /** When the connection opened, ps. */
  readonly opened: number;

  constructor(
    readonly index: number,
    readonly lport: number,
    readonly raddr: number,
    readonly rport: number,
    readonly hash: number,
    readonly cc: number,
    /** Which application owns it, as the stack numbers them. */
    readonly app: number,
    params: TcpParams,
    now: number,
  ) {
    this.cwnd = params.initialCwnd * params.mss;
    this.rto = params.initialRto;
    this.opened = now;
  }
}

/** A connection's lookup key on its host: (remote address, remote port, local port). */
export function key(raddr: number, rport: number, lport: number): number {
  return raddr * 4294967296 + rport * 65536 + lport;
}

/** Index of the first message end after `seq`, or -1. */
export function boundaryAfter(ends: readonly number[], seq: number): number {
  for (let i = 0; i < ends.length; i++) if (ends[i]! > seq) return i;
  return -1;
}

/** Adds a message end (and its word) to a sorted list, once. */
export function insertEnd(ends: number[], words: number[], end: number, word: number): void {
  let i = ends.length;
  while (i > 0 && ends[i - 1]! > end) i--;
  if (i > 0 && ends[i - 1] === end) return;
  ends.splice(i, 0, end);
  words.splice(i, 0, word);
}

/** Adds [s, e) to a sorted list of disjoint ranges, merging neighbours. */
export function insertRange(r: number[], s: number, e: number): void {
  let i = 0;
  while (i < r.length && r[i + 1]! < s) i += 2;
  let j = i;
  while (j < r.length && r[j]! <= e) {
    s = Math.min(s, r[j]!);
    e = Math.max(e, r[j + 1]!);
    j += 2;
  }
  r.splice(i, j - i, s, e);
}
