import { z } from 'zod';
import { MS, NS, SEC, US, units } from '@splitsim/kernel';
import { doubles } from './running.ts';

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
    /**
     * Delayed acknowledgement (RFC 1122 §4.2.3.2, RFC 5681 §4.2): acknowledge every this many
     * segments received in order, as ns-3's DelAckCount. 1 (the default) acknowledges each at
     * once; 2 is the standard delayed ACK. Out-of-order, duplicate and hole-filling segments, and
     * a change of DCTCP's CE state (RFC 8257 §3.2), are acknowledged at once in any case.
     */
    ackEvery: z.number().int().positive().default(1),
    /** Longest an acknowledgement waits for a further segment (RFC 5681: under 500 ms); scaled to datacenter RTTs. */
    delayedAckTimeout: units.time().default(40 * US),
    /**
     * Selective acknowledgement, on as in current stacks: the receiver reports the out-of-order
     * data it holds (RFC 2018), and the sender recovers every hole a SACK shows lost in a round
     * trip or so (RFC 6675) instead of one per round trip (NewReno). Used on a connection only
     * when both ends have it on; false gives plain NewReno recovery.
     */
    sack: z.boolean().default(true),
    /**
     * With SACK, RACK's loss marking during recovery (RFC 8985 with a reordering window of 0, as
     * long as the connection has seen no reordering): a hole below data SACKed later is lost at
     * once, instead of after three SACKed segments (RFC 6675's DupThresh), which holds the last
     * holes of a burst for a round trip. First transmissions only: marking a lost retransmission
     * needs per-segment send times, which this model does not keep. false: RFC 6675 alone (ns-3.37).
     */
    rack: z.boolean().default(true),
    /**
     * A protocol-level host starts each TCP segment's transmission a uniform random time below
     * this after TCP hands it down, when its link is idle (the doorbell, DMA and clock crossings
     * of a real NIC vary from packet to packet). Without it, flows from hosts whose links run at
     * the bottleneck's rate arrive in trains locked to the bottleneck's departures, and the
     * order in which simultaneous arrivals join the queue decides, every round trip, which flow
     * finds it over DCTCP's marking threshold: two such flows settled at 6.57 and 2.84 Gbps.
     * 0: exact, jitter-free timing (latency figures to the picosecond).
     */
    jitter: units.time().default(10 * NS),
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
  /**
   * The connection's numbers (sequence numbers, window, RTT estimator, timer deadline, DCTCP
   * state) in one array of doubles behind the accessors below: as fields they would each be a
   * separately boxed double once fractional or large, several scattered loads per ACK.
   */
  private readonly v = doubles(27);
  inRecovery = false;
  /** Both ends take SACK blocks (see TcpParams.sack and F_SACK_OK). */
  sackOk: boolean;
  /** Data arrived in another order than it was sent (a hole filled without a retransmission): RACK's marking stops. */
  reordering = false;
  /** Sender's SACK scoreboard: ranges above sndUna the receiver reported holding, flat [start, end, …], sorted and disjoint. */
  readonly sacked: number[] = [];
  /** Receiver: left edges of the SACK blocks reported last, in the order reported (RFC 2018 §4 repeats them). */
  readonly sackRecent: number[] = [];
  /** Whether the retransmission timer's event is pending. */
  rtoPending = false;
  /** Ends of written messages not yet acknowledged, ascending, and their application words; segments never straddle one. */
  readonly txEnds: number[] = [];
  readonly txWords: number[] = [];

  // Receive side.
  /** Out-of-order ranges held for reassembly, flat [start, end, …], sorted and disjoint. */
  readonly ooo: number[] = [];
  /** Ends of messages announced (PSH) but not yet received in order, ascending, and their words. */
  readonly rxEnds: number[] = [];
  readonly rxWords: number[] = [];
  /** Echo Congestion Experienced on the next acknowledgement (DCTCP's exact echo). */
  ceEcho = false;
  /** Waiting for room in the host's output queue (see Tcp.wake). */
  blocked = false;
  /** Segments received since the last acknowledgement went out (delayed ACK). */
  unacked = 0;
  /** Whether the delayed-ACK timer's event is pending. */
  ackPending = false;
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
    sackOk: boolean,
  ) {
    this.sackOk = sackOk;
    this.highRxt = 0;
    this.lastOoo = -1;
    this.ssthresh = Infinity;
    this.recover = -1;
    this.srtt = -1;
    this.rtoDeadline = Infinity;
    this.alpha = 1;
    this.tsRecent = -1;
    this.ackDeadline = Infinity;
    this.cwnd = params.initialCwnd * params.mss;
    this.rto = params.initialRto;
    this.opened = now;
  }

  get sndUna(): number {
    return this.v[0]!;
  }
  set sndUna(x: number) {
    this.v[0] = x;
  }

  get sndNxt(): number {
    return this.v[1]!;
  }
  set sndNxt(x: number) {
    this.v[1] = x;
  }

  get sndMax(): number {
    return this.v[2]!;
  }
  set sndMax(x: number) {
    this.v[2] = x;
  }

  /** Bytes the application has written; the sender never goes past it. */
  get sndLimit(): number {
    return this.v[3]!;
  }
  set sndLimit(x: number) {
    this.v[3] = x;
  }

  get cwnd(): number {
    return this.v[4]!;
  }
  set cwnd(x: number) {
    this.v[4] = x;
  }

  get ssthresh(): number {
    return this.v[5]!;
  }
  set ssthresh(x: number) {
    this.v[5] = x;
  }

  get dupAcks(): number {
    return this.v[6]!;
  }
  set dupAcks(x: number) {
    this.v[6] = x;
  }

  /** NewReno recovery point: sndMax when loss recovery began (-1: never). */
  get recover(): number {
    return this.v[7]!;
  }
  set recover(x: number) {
    this.v[7] = x;
  }

  get srtt(): number {
    return this.v[8]!;
  }
  set srtt(x: number) {
    this.v[8] = x;
  }

  get rttvar(): number {
    return this.v[9]!;
  }
  set rttvar(x: number) {
    this.v[9] = x;
  }

  get rto(): number {
    return this.v[10]!;
  }
  set rto(x: number) {
    this.v[10] = x;
  }

  /** When the retransmission timer expires (Infinity: stopped). */
  get rtoDeadline(): number {
    return this.v[11]!;
  }
  set rtoDeadline(x: number) {
    this.v[11] = x;
  }

  /** DCTCP state: α, the bytes acknowledged and marked in the current observation window, its end. */
  get alpha(): number {
    return this.v[12]!;
  }
  set alpha(x: number) {
    this.v[12] = x;
  }

  get winAcked(): number {
    return this.v[13]!;
  }
  set winAcked(x: number) {
    this.v[13] = x;
  }

  get winMarked(): number {
    return this.v[14]!;
  }
  set winMarked(x: number) {
    this.v[14] = x;
  }

  get winEnd(): number {
    return this.v[15]!;
  }
  set winEnd(x: number) {
    this.v[15] = x;
  }

  /** No second window reduction for ECN until the data outstanding at the last one is acknowledged. */
  get cwrEnd(): number {
    return this.v[16]!;
  }
  set cwrEnd(x: number) {
    this.v[16] = x;
  }

  /** Receive side: the next byte expected in order. */
  get rcvNxt(): number {
    return this.v[17]!;
  }
  set rcvNxt(x: number) {
    this.v[17] = x;
  }

  /** When a delayed acknowledgement is due (Infinity: none waits). */
  get ackDeadline(): number {
    return this.v[19]!;
  }
  set ackDeadline(x: number) {
    this.v[19] = x;
  }

  /** SACK recovery (RFC 6675's HighRxt): everything un-SACKed below it has been retransmitted in this recovery. */
  get highRxt(): number {
    return this.v[20]!;
  }
  set highRxt(x: number) {
    this.v[20] = x;
  }

  /** Receiver: first byte of the last segment that arrived out of order and is still held (-1: the last one was in order). */
  get lastOoo(): number {
    return this.v[21]!;
  }
  set lastOoo(x: number) {
    this.v[21] = x;
  }

  /** Bytes in the SACK scoreboard (`sacked`). */
  get sackedBytes(): number {
    return this.v[22]!;
  }
  set sackedBytes(x: number) {
    this.v[22] = x;
  }

  /** Proportional rate reduction (RFC 6937) in SACK recovery: bytes delivered and sent since it began, and the flight then. */
  get prrDelivered(): number {
    return this.v[23]!;
  }
  set prrDelivered(x: number) {
    this.v[23] = x;
  }

  get prrOut(): number {
    return this.v[24]!;
  }
  set prrOut(x: number) {
    this.v[24] = x;
  }

  get recoverFs(): number {
    return this.v[25]!;
  }
  set recoverFs(x: number) {
    this.v[25] = x;
  }

  /** The lost edge (tcp-sack.ts lostEdge) when SACK recovery last sent: a higher one marked holes newly lost. */
  get lostMark(): number {
    return this.v[26]!;
  }
  set lostMark(x: number) {
    this.v[26] = x;
  }

  /** Timestamp to echo: `sent` of the last segment received (-1: none yet). */
  get tsRecent(): number {
    return this.v[18]!;
  }
  set tsRecent(x: number) {
    this.v[18] = x;
  }
}

/**
 * A connection's lookup key on its host: (remote address, remote port). The local port is
 * checked apart: with it the key would pass 2^31, and a larger number is hashed as a boxed double.
 */
export function peerKey(raddr: number, rport: number): number {
  return raddr * 65536 + rport;
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
