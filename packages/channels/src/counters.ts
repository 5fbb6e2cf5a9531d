/**
 * Profiling counters of one channel end, cumulative since the instance started. Times are
 * nanoseconds of wall time, measured per batch (a poll that found input, a flush, one sync
 * message, one blocked wait), never per message, so counting stays off the per-message path.
 * Message counts and waitNs are always kept; rxNs, txNs and syncNs only when the end's `timing`
 * is on (profiled runs), since a clock read costs about as much as a sync message.
 *
 * - waitNs: blocked, waiting for this channel's promise (it held the instance's safe time);
 * - rxNs:   draining input: decoding records and delivering messages into the event queue;
 * - txNs:   publishing output: making written records visible (ring) or framing and writing
 *           them to the socket, and waiting for ring space;
 * - syncNs: computing, writing and publishing sync messages;
 * - rxMsgs, txMsgs: messages (not syncs) received and sent; syncMsgs: sync messages sent.
 */
export class ChannelCounters {
  waitNs = 0;
  rxNs = 0;
  txNs = 0;
  syncNs = 0;
  rxMsgs = 0;
  txMsgs = 0;
  syncMsgs = 0;
}

/** Monotonic nanoseconds (fractional), for measuring spans. */
export function spanNs(): number {
  return performance.now() * 1e6;
}

/** Integer nanoseconds since the epoch, comparable across threads and processes of one machine. */
export function wallNs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1e6);
}
