import type { Context, Counter, Tally } from '@splitsim/kernel';
import { F_ACK, F_CE, F_ECE, F_ECT, F_PSH, F_SACK, F_SACK_OK, flowHash, PROTO_TCP, type Packet, type SackPacket } from './packet.ts';
import { doubles, TALLY, tallyAdd, tallyInto, tallyStart } from './running.ts';
import { dctcpAck, rttSample } from './tcp-cc.ts';
import { CC_DCTCP, CC_RENO, Conn, insertEnd, insertRange, peerKey, type TcpParams } from './tcp-conn.ts';
import { S_ACKED, S_DELIVERED, S_FAST, S_RETRANSMITS, S_RTT, S_SEGMENTS, S_TIMEOUTS, TcpOutput } from './tcp-output.ts';
import { lostEdge, nextSacked, sackTake, sackTrim } from './tcp-sack.ts';

export { tcpParams, Conn, CC_RENO, CC_DCTCP, type TcpParams } from './tcp-conn.ts';

/** What output() does about an acknowledgement when it sends no data. */
const ACK_NONE = 0;
const ACK_NOW = 1;
const ACK_LATER = 2;

/** What a host's TCP records, for the host models' specs (`as const`: the specs check the shape). */
export const TCP_STATISTICS = {
  tcpSegments: { type: 'counter', unit: 'segments', description: 'Data segments sent, retransmissions included, bare acknowledgements not (when an application uses TCP)' },
  tcpRetransmits: { type: 'counter', unit: 'segments', description: 'Data segments sent again: fast retransmits, SACK or partial-ACK recovery and timeout resends (when an application uses TCP)' },
  tcpFastRetransmits: { type: 'counter', unit: 'recoveries', description: 'Entries into loss recovery (SACK or NewReno): losses found from duplicate acknowledgements or SACK blocks (when an application uses TCP)' },
  tcpTimeouts: { type: 'counter', unit: 'timeouts', description: 'Retransmission timeouts that fired (when an application uses TCP)' },
  tcpAckedBytes: { type: 'counter', unit: 'bytes', description: "Payload bytes acknowledged to this host's senders (when an application uses TCP)" },
  tcpDeliveredBytes: { type: 'counter', unit: 'bytes', description: "Payload bytes delivered in order to this host's receivers (when an application uses TCP)" },
  tcpRtt: { type: 'tally', unit: 'ps', description: "Round-trip samples from timestamps: an ACK's arrival minus the send time of the data segment it echoes (when an application uses TCP)" },
} as const;

/** What the stack above TCP is told. */
export interface TcpUser {
  /** A whole message (ended by a PSH segment) carrying `word` has arrived in order on `c`. */
  message(c: Conn, word: number): void;
  /** Everything written on `c` is acknowledged. */
  drained(c: Conn): void;
  /** A segment arrived for port `port` with no connection: the owning application's index, or -1 to drop it. */
  accept(port: number): number;
}

/**
 * TCP for one host: NewReno (slow start, congestion avoidance, fast retransmit and fast
 * recovery with partial acknowledgements, RFC 6298 retransmission timeout with backoff) and
 * DCTCP (ECN-capable segments, exact CE echo, window cut by α/2 once per window, RFC 8257).
 * Every segment is acknowledged at once unless `ackEvery` asks for delayed ACKs; the receiver
 * reassembles out-of-order data, so a loss costs one retransmission, not a window. With SACK
 * (on unless `sack: false`) the receiver reports what it holds and loss recovery follows RFC
 * 6675 (tcp-sack.ts) for either congestion control.
 */
export class Tcp {
  private readonly conns: Conn[] = [];
  /** Index of the first connection to each (remote address, remote port); see find(). */
  private readonly byPeer = new Map<number, number>();
  /** What leaves: segments, retransmissions, acknowledgements; and the connections waiting for room. */
  private readonly out: TcpOutput;
  private readonly rtoTimer: number;
  private readonly ackTimer: number;
  /** Slow start and congestion avoidance count at most this many bytes per ACK (RFC 3465's L: ackEvery segments). */
  private readonly abcLimit: number;
  private nextPort = 49152;
  private readonly mss: number;

  private readonly segments: Counter;
  private readonly retransmits: Counter;
  private readonly fastRetransmits: Counter;
  private readonly timeouts: Counter;
  /** Payload bytes acknowledged to senders on this host. */
  private readonly ackedBytes: Counter;
  /** Payload bytes delivered in order to receivers on this host. */
  private readonly deliveredBytes: Counter;
  private readonly rtt: Tally;
  /** The figures above as they run (indices S_*), handed to them in finish() (see running.ts). */
  private readonly acc = doubles(S_RTT + TALLY);

  constructor(
    private readonly ctx: Context,
    private readonly address: number,
    private readonly params: TcpParams,
    transmit: (p: Packet) => void,
    private readonly user: TcpUser,
    /**
     * Whether the host takes another data segment now. Like Linux's TCP Small Queues, a sender
     * waits for room instead of overflowing its own queue (which would lose a window at once);
     * the host calls wake() when room appears. Retransmissions and acknowledgements never wait.
     */
    room: () => boolean = () => true,
  ) {
    this.mss = params.mss;
    this.out = new TcpOutput(ctx, address, params, transmit, room, this.acc);
    this.rtoTimer = ctx.timer((index) => this.rtoFired(this.conns[index]!));
    this.ackTimer = ctx.timer((index) => this.ackFired(this.conns[index]!));
    this.abcLimit = params.ackEvery * params.mss;
    const s = ctx.stats;
    this.segments = s.counter('tcpSegments');
    this.retransmits = s.counter('tcpRetransmits');
    this.fastRetransmits = s.counter('tcpFastRetransmits');
    this.timeouts = s.counter('tcpTimeouts');
    this.ackedBytes = s.counter('tcpAckedBytes');
    this.deliveredBytes = s.counter('tcpDeliveredBytes');
    this.rtt = s.tally('tcpRtt');
    tallyStart(this.acc, S_RTT);
  }

  /** Hands the running figures to the statistics; call from the host's finish(). */
  finish(): void {
    const a = this.acc;
    this.segments.value = a[S_SEGMENTS]!;
    this.retransmits.value = a[S_RETRANSMITS]!;
    this.fastRetransmits.value = a[S_FAST]!;
    this.timeouts.value = a[S_TIMEOUTS]!;
    this.ackedBytes.value = a[S_ACKED]!;
    this.deliveredBytes.value = a[S_DELIVERED]!;
    tallyInto(this.rtt, a, S_RTT);
  }

  get connections(): readonly Conn[] {
    return this.conns;
  }

  /** Opens a connection to (raddr, rport) from a fresh local port. */
  open(raddr: number, rport: number, cc: number, app: number): Conn {
    // Until the peer's first segment says otherwise (it lacks F_SACK_OK), SACK is assumed.
    return this.add(this.nextPort++, raddr, rport, cc, app, this.params.sack);
  }

  private add(lport: number, raddr: number, rport: number, cc: number, app: number, sackOk: boolean): Conn {
    const c = new Conn(this.conns.length, lport, raddr, rport, flowHash(this.address, raddr, lport, rport, PROTO_TCP), cc, app, this.params, this.ctx.now, sackOk);
    this.conns.push(c);
    const k = peerKey(raddr, rport);
    if (!this.byPeer.has(k)) this.byPeer.set(k, c.index);
    return c;
  }

  /** The connection (raddr, rport) ↔ lport, or -1. Two to one remote port (two flows to one sink) are told apart by a scan. */
  private find(raddr: number, rport: number, lport: number): number {
    const index = this.byPeer.get(peerKey(raddr, rport));
    if (index === undefined) return -1;
    const conns = this.conns;
    if (conns[index]!.lport === lport) return index;
    for (let i = index + 1; i < conns.length; i++) {
      const c = conns[i]!;
      if (c.lport === lport && c.raddr === raddr && c.rport === rport) return i;
    }
    return -1;
  }

  /** The application writes `bytes` more to a stream. */
  write(c: Conn, bytes: number): void {
    c.sndLimit += bytes;
    this.output(c, ACK_NONE);
  }

  /** The application writes a message of `bytes` (RPC framing); its last segment carries `word` to the peer. */
  writeMessage(c: Conn, bytes: number, word: number): void {
    c.sndLimit += bytes;
    c.txEnds.push(c.sndLimit);
    c.txWords.push(word);
    this.output(c, ACK_NONE);
  }

  receive(p: Packet): void {
    let index = this.find(p.src, p.sport, p.dport);
    if (index < 0) {
      const app = this.user.accept(p.dport);
      if (app < 0) return;
      index = this.add(p.dport, p.src, p.sport, (p.flags & F_ECT) !== 0 ? CC_DCTCP : CC_RENO, app, this.params.sack && (p.flags & F_SACK_OK) !== 0).index;
    }
    const c = this.conns[index]!;
    if (c.sackOk && (p.flags & F_SACK_OK) === 0) c.sackOk = false;
    if ((p.flags & F_ACK) !== 0) this.onAck(c, p);
    if (p.len > 0) this.output(c, this.onData(c, p) ? ACK_NOW : ACK_LATER);
    else if (c.sndNxt < c.sndLimit || (c.inRecovery && c.sackOk)) this.output(c, ACK_NONE);
  }

  /**
   * Sends what the window allows (in SACK recovery, what the pipe allows). If no data went (data
   * carries the acknowledgement), `ack` says whether to send a bare acknowledgement now, later
   * (delayed ACK) or not at all.
   */
  private output(c: Conn, ack: number): void {
    if (c.inRecovery && c.sackOk ? this.out.recovery(c) : this.out.window(c)) {
      if (c.rtoDeadline === Infinity) this.armRto(c);
    } else if (ack === ACK_NOW) this.out.ack(c);
    else if (ack === ACK_LATER) this.delayAck(c);
  }


  /**
   * Acknowledges within delayedAckTimeout unless more data (or data to send) comes first. Like
   * the retransmission timer, one pending event per connection; its deadline moves.
   */
  private delayAck(c: Conn): void {
    if (c.ackDeadline !== Infinity) return;
    c.ackDeadline = this.ctx.now + this.params.delayedAckTimeout;
    if (!c.ackPending) {
      c.ackPending = true;
      this.ctx.schedule(this.ackTimer, this.params.delayedAckTimeout, c.index);
    }
  }

  private ackFired(c: Conn): void {
    c.ackPending = false;
    const now = this.ctx.now;
    if (c.ackDeadline === Infinity) return;
    if (now < c.ackDeadline) {
      c.ackPending = true;
      this.ctx.schedule(this.ackTimer, c.ackDeadline - now, c.index);
      return;
    }
    this.out.ack(c);
  }

  /** The host's output queue has room again: blocked connections send, oldest first. */
  wake(): void {
    const list = this.out.blocked;
    let n = list.length;
    while (n-- > 0 && this.out.room()) {
      const c = list.shift()!;
      c.blocked = false;
      this.output(c, ACK_NONE);
    }
  }

  get waiting(): boolean {
    return this.out.blocked.length > 0;
  }

  private onAck(c: Conn, p: Packet): void {
    const ack = p.ack;
    const mss = this.mss;
    const sack = c.sackOk && (p.flags & F_SACK) !== 0;
    const sackedBefore = c.sackedBytes;
    if (ack > c.sndUna) {
      const acked = ack - c.sndUna;
      // RFC 7661: grow the window only while it limits the sender, not while the host holds it back.
      const limited = c.sndMax - c.sndUna + mss > (c.cwnd < c.ssthresh ? c.cwnd / 2 : c.cwnd);
      // A first hole filled without a retransmission, data SACKed above it: it arrived late (reordering).
      if (c.sacked.length > 0 && c.sndUna >= c.highRxt) c.reordering = true;
      c.sndUna = ack;
      if (c.sndNxt < ack) c.sndNxt = ack;
      if (c.sacked.length > 0) sackTrim(c);
      if (sack) sackTake(c, p as SackPacket);
      this.acc[S_ACKED] += acked;
      if (p.echo >= 0) {
        const r = this.ctx.now - p.echo;
        tallyAdd(this.acc, S_RTT, r);
        rttSample(c, r, this.params);
      }
      const ends = c.txEnds;
      while (ends.length > 0 && ends[0]! <= ack) {
        ends.shift();
        c.txWords.shift();
      }
      if (c.cc === CC_DCTCP) dctcpAck(c, acked, (p.flags & F_ECE) !== 0, this.params);
      if (c.inRecovery) {
        if (ack >= c.recover) {
          // Full acknowledgement: leave recovery with the halved window.
          c.inRecovery = false;
          c.dupAcks = 0;
          c.cwnd = c.ssthresh;
        } else if (c.sackOk) {
          this.deliver(c, acked + c.sackedBytes - sackedBefore);
          this.out.advanced = true;
        }
        else {
          // NewReno's partial acknowledgement: the next hole is lost too; resend it, deflate the window.
          this.out.retransmit(c, ack, c.sndMax);
          c.cwnd = Math.max(c.cwnd - acked + mss, mss);
        }
      } else {
        c.dupAcks = 0;
        if (!limited) {
          // Not window-limited: keep the window.
        } else if (c.cwnd < c.ssthresh) c.cwnd += Math.min(acked, this.abcLimit);
        else c.cwnd += (mss * Math.min(acked, this.abcLimit)) / c.cwnd;
      }
      if (c.sndUna >= c.sndMax) c.rtoDeadline = Infinity;
      else if (c.rtoPending) c.rtoDeadline = this.ctx.now + c.rto;
      else this.armRto(c);
      if (c.sndUna >= c.sndLimit) this.user.drained(c);
    } else if (ack === c.sndUna && p.len === 0 && c.sndMax > c.sndUna) {
      if (sack) sackTake(c, p as SackPacket);
      c.dupAcks++;
      if (c.inRecovery) {
        // NewReno inflates the window per duplicate; SACK recovery counts what was delivered instead.
        if (c.sackOk) this.deliver(c, c.sackedBytes - sackedBefore);
        else c.cwnd += mss;
      } else if (ack > c.recover && (c.sackOk ? c.dupAcks >= 3 || lostEdge(c, mss, false) > ack : c.dupAcks === 3)) {
        c.ssthresh = Math.max((c.sndMax - c.sndUna) / 2, 2 * mss);
        c.recover = c.sndMax;
        c.inRecovery = true;
        this.acc[S_FAST]!++;
        if (c.sackOk) {
          // RFC 6675 (4): cwnd = ssthresh, the first hole goes at once, the rest as the pipe allows.
          c.cwnd = c.ssthresh;
          c.recoverFs = c.sndMax - c.sndUna;
          c.prrDelivered = 0;
          c.lostMark = c.sndUna;
          c.prrOut = this.out.retransmit(c, ack, Math.min(c.sndMax, nextSacked(c, ack)));
          c.highRxt = ack + c.prrOut;
        } else {
          this.out.retransmit(c, ack, c.sndMax);
          c.cwnd = c.ssthresh + 3 * mss;
        }
      }
    }
  }

  /** In SACK recovery, an acknowledgement delivered `bytes` (cumulatively or selectively): PRR's sending quota grows with them. */
  private deliver(c: Conn, bytes: number): void {
    c.prrDelivered += bytes;
    this.out.delivered = bytes;
  }

  /** Takes in a segment's payload; returns whether to acknowledge it at once. */
  private onData(c: Conn, p: Packet): boolean {
    const ce = (p.flags & F_CE) !== 0;
    // RFC 8257 §3.2: when the CE state changes, acknowledge what came before with the old echo.
    if (ce !== c.ceEcho && c.unacked > 0) this.out.ack(c);
    c.tsRecent = p.sent;
    c.ceEcho = ce;
    const seq = p.seq;
    const end = seq + p.len;
    const before = c.rcvNxt;
    // Out of order, a duplicate, or filling a hole: acknowledge at once (fast retransmit needs it).
    const now = seq !== before || c.ooo.length > 0;
    if ((p.flags & F_PSH) !== 0 && end > before) insertEnd(c.rxEnds, c.rxWords, end, p.msg);
    if (seq <= before) {
      if (end > before) {
        c.rcvNxt = end;
        const ooo = c.ooo;
        while (ooo.length > 0 && ooo[0]! <= c.rcvNxt) {
          if (ooo[1]! > c.rcvNxt) c.rcvNxt = ooo[1]!;
          ooo.splice(0, 2);
        }
      }
    } else insertRange(c.ooo, seq, end);
    // RFC 2018: the first SACK block holds the segment that prompted the acknowledgement, if it is held out of order.
    c.lastOoo = seq >= c.rcvNxt ? seq : -1;
    if (c.rcvNxt > before) {
      this.acc[S_DELIVERED] += c.rcvNxt - before;
      const ends = c.rxEnds;
      while (ends.length > 0 && ends[0]! <= c.rcvNxt) {
        ends.shift();
        this.user.message(c, c.rxWords.shift()!);
      }
    }
    return now || ++c.unacked >= this.params.ackEvery;
  }

  private armRto(c: Conn): void {
    c.rtoDeadline = this.ctx.now + c.rto;
    if (!c.rtoPending) {
      c.rtoPending = true;
      this.ctx.schedule(this.rtoTimer, c.rto, c.index);
    }
  }

  /**
   * One pending timer event per connection: acknowledgements only move the deadline, and the
   * event re-schedules itself when it fires early, so the queue does not fill with stale timers.
   */
  private rtoFired(c: Conn): void {
    c.rtoPending = false;
    const now = this.ctx.now;
    if (c.rtoDeadline === Infinity) return;
    if (now < c.rtoDeadline) {
      c.rtoPending = true;
      this.ctx.schedule(this.rtoTimer, Math.ceil(c.rtoDeadline - now), c.index);
      return;
    }
    this.acc[S_TIMEOUTS]!++;
    c.ssthresh = Math.max((c.sndMax - c.sndUna) / 2, 2 * this.mss);
    c.cwnd = this.mss;
    c.sndNxt = c.sndUna;
    c.inRecovery = false;
    c.dupAcks = 0;
    c.recover = c.sndMax;
    // Going back resends holes: their late arrival is no sign of reordering.
    c.highRxt = c.sndMax;
    c.rto = Math.min(c.rto * 2, this.params.maxRto);
    c.rtoDeadline = Infinity;
    this.output(c, ACK_NONE);
    if (c.rtoDeadline === Infinity && c.sndUna < c.sndMax) this.armRto(c);
  }
}
