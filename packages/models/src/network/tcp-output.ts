import type { Context } from '@splitsim/kernel';
import { F_ACK, F_ECE, F_ECT, F_PSH, F_SACK_OK, makePacket, makeSackPacket, PROTO_TCP, sackOptionBytes, TCP_HEADER, wireSize, type Packet } from './packet.ts';
import { doubles } from './running.ts';
import { boundaryAfter, CC_DCTCP, type Conn, type TcpParams } from './tcp-conn.ts';
import { firstHole, lostEdge, nextSacked, prrQuota, sackBlocks, sackedBelow, sackPipe } from './tcp-sack.ts';

// Tcp.acc, the host's TCP figures as they run: counters, then the RTT tally. Segments and
// retransmissions are counted here, where they leave.
export const S_SEGMENTS = 0;
export const S_RETRANSMITS = 1;
export const S_FAST = 2;
export const S_TIMEOUTS = 3;
export const S_ACKED = 4;
export const S_DELIVERED = 5;
export const S_RTT = 6;

/**
 * What a host's TCP sends: segments cut at the MSS and at message ends, a window's worth from
 * sndNxt, SACK recovery's next segments under proportional rate reduction, acknowledgements with
 * their SACK blocks, and the connections waiting for room in the host's queue. Tcp decides when;
 * this decides what.
 */
export class TcpOutput {
  /** Connections with data to send that found the host's output queue full, oldest first. */
  readonly blocked: Conn[] = [];
  private readonly mss: number;
  /** F_SACK_OK when this host takes SACK blocks, else 0: set on every segment it sends. */
  private readonly sackFlag: number;
  /** SACK blocks of the segment being made (sackBlocks() fills it). */
  private readonly blocks = doubles(6);
  /** The application word of the segment cut() made last (-1: it ends no message). */
  private cutWord = -1;
  /** Bytes the acknowledgement being handled delivered (RFC 6937's DeliveredData), and whether it moved sndUna. */
  delivered = 0;
  advanced = false;

  constructor(
    private readonly ctx: Context,
    private readonly address: number,
    private readonly params: TcpParams,
    private readonly transmit: (p: Packet) => void,
    /** Whether the host takes another data segment now (see Tcp). */
    readonly room: () => boolean,
    private readonly acc: number[],
  ) {
    this.mss = params.mss;
    this.sackFlag = params.sack ? F_SACK_OK : 0;
  }

  /** Sends from sndNxt while the window allows; returns whether anything went. */
  window(c: Conn): boolean {
    if (c.sacked.length > 0 || (c.dupAcks > 0 && c.sackOk)) return this.windowSack(c);
    // Nothing SACKed and no duplicates: the plain loop, as small as before SACK.
    let sent = false;
    for (;;) {
      const seq = c.sndNxt;
      if (seq >= c.sndLimit) break;
      const end = this.cut(c, seq, c.sndLimit);
      const flight = seq - c.sndUna;
      if (flight > 0 && flight + (end - seq) > c.cwnd) break;
      if (!this.room()) {
        this.block(c);
        break;
      }
      this.segment(c, seq, end - seq, this.cutWord);
      c.sndNxt = end;
      if (end > c.sndMax) c.sndMax = end;
      sent = true;
    }
    return sent;
  }

  /** window() with a SACK scoreboard or duplicates in hand. */
  private windowSack(c: Conn): boolean {
    let sent = false;
    for (;;) {
      let seq = c.sndNxt;
      // Going back after a timeout, skip what the receiver reported holding.
      const skip = c.sacked.length > 0 && seq < c.sndMax;
      if (skip) c.sndNxt = seq = firstHole(c, seq);
      if (seq >= c.sndLimit) break;
      const end = this.cut(c, seq, skip ? Math.min(c.sndLimit, nextSacked(c, seq)) : c.sndLimit);
      // What the receiver holds is not in flight, but only going back does it make room: new data
      // waits for the cumulative acknowledgement, except for one segment on each of the first two
      // duplicates (limited transmit, RFC 3042, with SACK), so that the duplicates leave room in
      // the queue for the fast retransmission.
      const flight = seq - c.sndUna - (skip ? sackedBelow(c, seq) : 0);
      const window = c.sackOk && c.dupAcks > 0 && !c.inRecovery ? c.cwnd + Math.min(c.dupAcks, 2) * this.mss : c.cwnd;
      if (flight > 0 && flight + (end - seq) > window) break;
      if (!this.room()) {
        this.block(c);
        break;
      }
      this.segment(c, seq, end - seq, this.cutWord);
      c.sndNxt = end;
      if (end > c.sndMax) c.sndMax = end;
      sent = true;
    }
    return sent;
  }

  private block(c: Conn): void {
    if (!c.blocked) {
      c.blocked = true;
      this.blocked.push(c);
    }
  }

  /**
   * The end of the segment that starts at `seq`: at most an MSS and `limit`, and never past the
   * end of a message (there it ends, and cutWord is the message's word; else cutWord is -1).
   */
  private cut(c: Conn, seq: number, limit: number): number {
    let end = Math.min(seq + this.mss, limit);
    const b = boundaryAfter(c.txEnds, seq);
    this.cutWord = -1;
    if (b >= 0 && c.txEnds[b]! <= end) {
      end = c.txEnds[b]!;
      this.cutWord = c.txWords[b]!;
    }
    return end;
  }

  /**
   * RFC 6675 loss recovery paced by RFC 6937 (prrQuota): NextSeg, while the quota lasts: the next
   * lost hole above highRxt, else new data, else (nothing new to send) the next hole not yet
   * deemed lost. Returns whether anything went.
   */
  recovery(c: Conn): boolean {
    const lost = lostEdge(c, this.mss, this.params.rack);
    const newlyLost = lost > c.lostMark && firstHole(c, Math.max(c.lostMark, c.sndUna)) < lost;
    c.lostMark = lost;
    let quota = prrQuota(c, sackPipe(c, lost), this.delivered, this.mss, this.advanced && !newlyLost);
    this.delivered = 0;
    this.advanced = false;
    let sent = false;
    for (;;) {
      const hole = firstHole(c, Math.max(c.highRxt, c.sndUna));
      const again = hole < c.sndMax && (hole < lost || c.sndMax >= c.sndLimit);
      if (!again && c.sndMax >= c.sndLimit) break;
      const seq = again ? hole : c.sndMax;
      const end = this.cut(c, seq, again ? Math.min(c.sndMax, nextSacked(c, hole)) : c.sndLimit);
      if (end - seq > quota) break;
      if (!again && !this.room()) {
        this.block(c);
        break;
      }
      this.segment(c, seq, end - seq, this.cutWord);
      if (again) c.highRxt = end;
      else c.sndNxt = c.sndMax = end;
      quota -= end - seq;
      c.prrOut += end - seq;
      sent = true;
    }
    return sent;
  }

  /** Resends the segment at `seq`, ending by `limit` (loss recovery); returns its length. */
  retransmit(c: Conn, seq: number, limit: number): number {
    const end = this.cut(c, seq, limit);
    if (end > seq) this.segment(c, seq, end - seq, this.cutWord);
    return end - seq;
  }

  /** A bare acknowledgement of everything received in order. */
  ack(c: Conn): void {
    c.unacked = 0;
    c.ackDeadline = Infinity;
    this.transmit(this.make(c, c.ceEcho ? F_ACK | F_ECE : F_ACK, 0, c.sndNxt, -1));
  }

  /** Sends payload [seq, seq + len); `word` ≥ 0 marks the end of a message (PSH) and rides with it. */
  private segment(c: Conn, seq: number, len: number, word: number): void {
    let flags = F_ACK;
    if (word >= 0) flags |= F_PSH;
    if (c.cc === CC_DCTCP) flags |= F_ECT;
    if (c.ceEcho) flags |= F_ECE;
    this.acc[S_SEGMENTS]!++;
    if (seq < c.sndMax) this.acc[S_RETRANSMITS]!++;
    // The segment acknowledges everything received so far.
    c.unacked = 0;
    c.ackDeadline = Infinity;
    this.transmit(this.make(c, flags, len, seq, word));
  }

  /** A segment of `c` with `len` payload bytes from `seq`: SACK blocks ride on it while the receiver holds out-of-order data. */
  private make(c: Conn, flags: number, len: number, seq: number, word: number): Packet {
    flags |= this.sackFlag;
    const n = c.sackOk && c.ooo.length > 0 ? sackBlocks(c, this.blocks) : 0;
    if (n === 0) return makePacket(this.address, c.raddr, c.lport, c.rport, PROTO_TCP, flags, wireSize(len, TCP_HEADER), len, seq, c.rcvNxt, c.hash, this.ctx.now, c.tsRecent, word);
    return makeSackPacket(this.address, c.raddr, c.lport, c.rport, PROTO_TCP, flags, wireSize(len, TCP_HEADER + sackOptionBytes(n)), len, seq, c.rcvNxt, c.hash, this.ctx.now, c.tsRecent, word, this.blocks, n);
  }
}
