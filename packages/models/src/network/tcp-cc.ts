import type { Conn, TcpParams } from './tcp-conn.ts';

/** Window and timer arithmetic of TCP that needs nothing but the connection and the parameters. */

/** RFC 8257: α tracks the marked fraction per window; an echoed mark cuts the window by α/2, once per window. */
export function dctcpAck(c: Conn, acked: number, ece: boolean, params: TcpParams): void {
  c.winAcked += acked;
  if (ece) c.winMarked += acked;
  if (c.sndUna >= c.winEnd) {
    const g = params.dctcpG;
    c.alpha = (1 - g) * c.alpha + (g * c.winMarked) / Math.max(c.winAcked, 1);
    c.winAcked = 0;
    c.winMarked = 0;
    c.winEnd = c.sndMax;
  }
  if (ece && !c.inRecovery && c.sndUna > c.cwrEnd) {
    c.cwnd = Math.max(c.cwnd * (1 - c.alpha / 2), params.mss);
    c.ssthresh = c.cwnd;
    c.cwrEnd = c.sndMax;
  }
}

/** RFC 6298 estimator: takes an RTT sample `r` (ps) and sets the retransmission timeout. */
export function rttSample(c: Conn, r: number, params: TcpParams): void {
  if (c.srtt < 0) {
    c.srtt = r;
    c.rttvar = r / 2;
  } else {
    c.rttvar = 0.75 * c.rttvar + 0.25 * Math.abs(c.srtt - r);
    c.srtt = 0.875 * c.srtt + 0.125 * r;
  }
  // Whole picoseconds: the timer fires at a whole ps (the kernel rounds delays), and a deadline
  // with a fraction left over would look early by that fraction and re-arm at delay 0 forever.
  c.rto = Math.round(Math.min(Math.max(c.srtt + 4 * c.rttvar, params.minRto), params.maxRto));
}
