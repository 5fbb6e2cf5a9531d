import type { Context, Counter, Tally } from '@splitsim/kernel';
import { F_ACK, F_CE, F_ECE, F_ECT, F_PSH, flowHash, makePacket, PROTO_TCP, TCP_HEADER, wireSize, type Packet } from './packet.ts';
import { boundaryAfter, CC_DCTCP, CC_RENO, Conn, insertEnd, insertRange, key, type TcpParams } from './tcp-conn.ts';

export { tcpParams, Conn, CC_RENO, CC_DCTCP, type TcpParams } from './tcp-conn.ts';

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
 * Every segment is acknowledged at once (no delayed ACK); the receiver reassembles out-of-order
 * data, so a loss costs one retransmission, not a window.
 */
export class Tcp {
  private readonly conns: Conn[] = [];
  private readonly byKey = new Map<number, number>();
  /** Connections with data to send that found the host's output queue full, oldest first. */
  private readonly blocked: Conn[] = [];
  private readonly rtoTimer: number;
  private nextPort = 49152;
  private readonly mss: number;

  private readonly segments: Counter;
  private readonly retransmits: Counter;
  private readonly fastRetransmits: Counter;
  private readonly timeouts: Counter;
  /** Payload bytes acknowledged to senders on this host. */
  readonly ackedBytes: Counter;
  /** Payload bytes delivered in order to receivers on this host. */
  readonly deliveredBytes: Counter;
  readonly rtt: Tally;

  constructor(
    private readonly ctx: Context,
    private readonly address: number,
    private readonly params: TcpParams,
    private readonly transmit: (p: Packet) => void,
    private readonly user: TcpUser,
    /**
     * Whether the host takes another data segment now. Like Linux's TCP Small Queues, a sender
     * waits for room instead of overflowing its own queue (which would lose a window at once);
     * the host calls wake() when room appears. Retransmissions and acknowledgements never wait.
     */
    private readonly room: () => boolean = () => true,
  ) {
    this.mss = params.mss;
    this.rtoTimer = ctx.timer((index) => this.rtoFired(this.conns[index]!));
    const s = ctx.stats;
    this.segments = s.counter('tcpSegments');
    this.retransmits = s.counter('tcpRetransmits');
    this.fastRetransmits = s.counter('tcpFastRetransmits');
    this.timeouts = s.counter('tcpTimeouts');
    this.ackedBytes = s.counter('tcpAckedBytes');
    this.deliveredBytes = s.counter('tcpDeliveredBytes');
    this.rtt = s.tally('tcpRtt');
  }

  get connections(): readonly Conn[] {
    return this.conns;
  }

  /** Opens a connection to (raddr, rport) from a fresh local port. */
  open(raddr: number, rport: number, cc: number, app: number): Conn {
    return this.add(this.nextPort++, raddr, rport, cc, app);
  }

  private add(lport: number, raddr: number, rport: number, cc: number, app: number): Conn {
    const c = new Conn(this.conns.length, lport, raddr, rport, flowHash(this.address, raddr, lport, rport, PROTO_TCP), cc, app, this.params, this.ctx.now);
    this.conns.push(c);
    this.byKey.set(key(raddr, rport, lport), c.index);
    return c;
  }

  /** The application writes `bytes` more to a stream. */
  write(c: Conn, bytes: number): void {
    c.sndLimit += bytes;
    this.output(c, false);
  }

  /** The application writes a message of `bytes` (RPC framing); its last segment carries `word` to the peer. */
  writeMessage(c: Conn, bytes: number, word: number): void {
    c.sndLimit += bytes;
    c.txEnds.push(c.sndLimit);
    c.txWords.push(word);
    this.output(c, false);
  }

  receive(p: Packet): void {
    let index = this.byKey.get(key(p.src, p.sport, p.dport));
    if (index === undefined) {
      const app = this.user.accept(p.dport);
      if (app < 0) return;
      index = this.add(p.dport, p.src, p.sport, (p.flags & F_ECT) !== 0 ? CC_DCTCP : CC_RENO, app).index;
    }
    const c = this.conns[index]!;
    if ((p.flags & F_ACK) !== 0) this.onAck(c, p);
    if (p.len > 0) {
      this.onData(c, p);
      this.output(c, true);
    } else if (c.sndNxt < c.sndLimit) this.output(c, false);
  }

  /** Sends what the window allows; with `ack`, sends a bare acknowledgement if no data went. */
  private output(c: Conn, ack: boolean): void {
    const mss = this.mss;
    let sent = false;
    for (;;) {
      const seq = c.sndNxt;
      if (seq >= c.sndLimit) break;
      let end = Math.min(seq + mss, c.sndLimit);
      const b = boundaryAfter(c.txEnds, seq);
      const psh = b >= 0 && c.txEnds[b]! <= end;
      if (psh) end = c.txEnds[b]!;
      const flight = seq - c.sndUna;
      if (flight > 0 && flight + (end - seq) > c.cwnd) break;
      if (!this.room()) {
        if (!c.blocked) {
          c.blocked = true;
          this.blocked.push(c);
        }
        break;
      }
      this.segment(c, seq, end - seq, psh ? c.txWords[b]! : -1);
      c.sndNxt = end;
      if (end > c.sndMax) c.sndMax = end;
      sent = true;
    }
    if (sent) {
      if (c.rtoDeadline === Infinity) this.armRto(c);
    } else if (ack) {
      this.transmit(makePacket(this.address, c.raddr, c.lport, c.rport, PROTO_TCP, c.ceEcho ? F_ACK | F_ECE : F_ACK,
        wireSize(0, TCP_HEADER), 0, c.sndNxt, c.rcvNxt, c.hash, this.ctx.now, c.tsRecent, -1));
    }
  }

  /** The host's output queue has room again: blocked connections send, oldest first. */
  wake(): void {
    const list = this.blocked;
    let n = list.length;
    while (n-- > 0 && this.room()) {
      const c = list.shift()!;
      c.blocked = false;
      this.output(c, false);
    }
  }

  get waiting(): boolean {
    return this.blocked.length > 0;
  }

  /** Sends payload [seq, seq + len); `word` ≥ 0 marks the end of a message (PSH) and rides with it. */
  private segment(c: Conn, seq: number, len: number, word: number): void {
    let flags = F_ACK;
    if (word >= 0) flags |= F_PSH;
    if (c.cc === CC_DCTCP) flags |= F_ECT;
    if (c.ceEcho) flags |= F_ECE;
    this.segments.value++;
    if (seq < c.sndMax) this.retransmits.value++;
    this.transmit(makePacket(this.address, c.raddr, c.lport, c.rport, PROTO_TCP, flags, wireSize(len, TCP_HEADER), len, seq, c.rcvNxt, c.hash, this.ctx.now, c.tsRecent, word));
  }

  /** Resends the segment at `seq` (loss recovery). */
  private resend(c: Conn, seq: number): void {
    let end = Math.min(seq + this.mss, c.sndMax);
    const b = boundaryAfter(c.txEnds, seq);
    const psh = b >= 0 && c.txEnds[b]! <= end;
    if (psh) end = c.txEnds[b]!;
    if (end > seq) this.segment(c, seq, end - seq, psh ? c.txWords[b]! : -1);
  }

  private onAck(c: Conn, p: Packet): void {
    const ack = p.ack;
    const mss = this.mss;
    if (ack > c.sndUna) {
      const acked = ack - c.sndUna;
      // RFC 7661: grow the window only while it limits the sender, not while the host holds it back.
      const limited = c.sndMax - c.sndUna + mss > (c.cwnd < c.ssthresh ? c.cwnd / 2 : c.cwnd);
      c.sndUna = ack;
      if (c.sndNxt < ack) c.sndNxt = ack;
      this.ackedBytes.value += acked;
      if (p.echo >= 0) this.sample(c, this.ctx.now - p.echo);
      const ends = c.txEnds;
      while (ends.length > 0 && ends[0]! <= ack) {
        ends.shift();
        c.txWords.shift();
      }
      if (c.cc === CC_DCTCP) this.dctcp(c, acked, (p.flags & F_ECE) !== 0);
      if (c.inRecovery) {
        if (ack >= c.recover) {
          // Full acknowledgement: leave recovery with the halved window.
          c.inRecovery = false;
          c.dupAcks = 0;
          c.cwnd = c.ssthresh;
        } else {
          // Partial acknowledgement: the next hole is lost too; resend it, deflate the window.
          this.resend(c, ack);
          c.cwnd = Math.max(c.cwnd - acked + mss, mss);
        }
      } else {
        c.dupAcks = 0;
        if (!limited) {
          // Not window-limited: keep the window.
        } else if (c.cwnd < c.ssthresh) c.cwnd += Math.min(acked, mss);
        else c.cwnd += (mss * Math.min(acked, mss)) / c.cwnd;
      }
      if (c.sndUna >= c.sndMax) c.rtoDeadline = Infinity;
      else if (c.rtoPending) c.rtoDeadline = this.ctx.now + c.rto;
      else this.armRto(c);
      if (c.sndUna >= c.sndLimit) this.user.drained(c);
    } else if (ack === c.sndUna && p.len === 0 && c.sndMax > c.sndUna) {
      c.dupAcks++;
      if (c.inRecovery) c.cwnd += mss;
      else if (c.dupAcks === 3 && ack > c.recover) {
        c.ssthresh = Math.max((c.sndMax - c.sndUna) / 2, 2 * mss);
        c.recover = c.sndMax;
        c.inRecovery = true;
        this.fastRetransmits.value++;
        this.resend(c, c.sndUna);
        c.cwnd = c.ssthresh + 3 * mss;
      }
    }
  }

  /** RFC 8257: α tracks the marked fraction per window; an echoed mark cuts the window by α/2, once per window. */
  private dctcp(c: Conn, acked: number, ece: boolean): void {
    c.winAcked += acked;
    if (ece) c.winMarked += acked;
    if (c.sndUna >= c.winEnd) {
      const g = this.params.dctcpG;
      c.alpha = (1 - g) * c.alpha + (g * c.winMarked) / Math.max(c.winAcked, 1);
      c.winAcked = 0;
      c.winMarked = 0;
      c.winEnd = c.sndMax;
    }
    if (ece && !c.inRecovery && c.sndUna > c.cwrEnd) {
      c.cwnd = Math.max(c.cwnd * (1 - c.alpha / 2), this.mss);
      c.ssthresh = c.cwnd;
      c.cwrEnd = c.sndMax;
    }
  }

  /** RFC 6298 estimator. */
  private sample(c: Conn, r: number): void {
    this.rtt.add(r);
    if (c.srtt < 0) {
      c.srtt = r;
      c.rttvar = r / 2;
    } else {
      c.rttvar = 0.75 * c.rttvar + 0.25 * Math.abs(c.srtt - r);
      c.srtt = 0.875 * c.srtt + 0.125 * r;
    }
    c.rto = Math.min(Math.max(c.srtt + 4 * c.rttvar, this.params.minRto), this.params.maxRto);
  }

  private onData(c: Conn, p: Packet): void {
    c.tsRecent = p.sent;
    c.ceEcho = (p.flags & F_CE) !== 0;
    const seq = p.seq;
    const end = seq + p.len;
    const before = c.rcvNxt;
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
    if (c.rcvNxt > before) {
      this.deliveredBytes.value += c.rcvNxt - before;
      const ends = c.rxEnds;
      while (ends.length > 0 && ends[0]! <= c.rcvNxt) {
        ends.shift();
        this.user.message(c, c.rxWords.shift()!);
      }
    }
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
      this.ctx.schedule(this.rtoTimer, c.rtoDeadline - now, c.index);
      return;
    }
    this.timeouts.value++;
    c.ssthresh = Math.max((c.sndMax - c.sndUna) / 2, 2 * this.mss);
    c.cwnd = this.mss;
    c.sndNxt = c.sndUna;
    c.inRecovery = false;
    c.dupAcks = 0;
    c.recover = c.sndMax;
    c.rto = Math.min(c.rto * 2, this.params.maxRto);
    c.rtoDeadline = Infinity;
    this.output(c, false);
    if (c.rtoDeadline === Infinity && c.sndUna < c.sndMax) this.armRto(c);
  }
}
