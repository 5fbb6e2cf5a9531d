import type { ChannelEnd } from './channel-end.ts';
import { spanNs } from './counters.ts';

/**
 * Conservative synchronization of one instance with its peers, Chandy-Misra-Bryant style with
 * null messages (sync messages), per channel:
 *
 * - a message carries its delivery time, send time + link latency; it also implies a promise:
 *   its send time + the channel's lookahead (no later message can be sent earlier);
 * - the instance may execute events strictly below its safe time, the smallest latest promise
 *   over the channels it can receive on;
 * - after nothing was sent on a channel for its sync interval of simulated time, it sends a sync
 *   message promising min(next local event, safe time) + lookahead: nothing it executes from now
 *   on is earlier than that minimum, and nothing it sends arrives sooner than one lookahead later.
 *
 * With every sync interval at most its channel's lookahead this cannot deadlock: in a cycle of
 * blocked instances each holds a promise at least one lookahead past the previous sync basis of
 * its neighbour, so some instance always finds a sync due. The transport is invisible here.
 */
export class Synchronizer {
  /** Index (into ends) of the channel that held the safe time at the last safeTime(), or -1. */
  limiting = -1;

  constructor(readonly ends: readonly ChannelEnd[]) {}

  /** Whether rx/tx/sync work is timed (profiled runs); the ends' `timing` follows it. */
  private timing = false;

  setTiming(on: boolean): void {
    this.timing = on;
    for (const e of this.ends) e.timing = on;
  }

  /** Reads all input; returns the number of records read. */
  poll(): number {
    const ends = this.ends;
    if (!this.timing) {
      let n = 0;
      for (let i = 0; i < ends.length; i++) n += ends[i]!.poll();
      return n;
    }
    // One clock read before the first end with input, one after each.
    let n = 0;
    let t = -1;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      if (!e.hasInput()) continue;
      if (t < 0) t = spanNs();
      const before = e.demux.records;
      t = e.drainTimed(t);
      n += e.demux.records - before;
    }
    return n;
  }

  hasInput(): boolean {
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) if (ends[i]!.hasInput()) return true;
    return false;
  }

  /** The smallest latest promise over the channels we receive on (Infinity if none). */
  safeTime(): number {
    let safe = Infinity;
    let k = -1;
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      if (e.inbound && e.demux.promise < safe) {
        safe = e.demux.promise;
        k = i;
      }
    }
    this.limiting = k;
    return safe;
  }

  /**
   * Sends the sync messages that are due, given that nothing this instance executes from now on
   * is earlier than `basis` = min(next local event, safe time).
   */
  sendDue(basis: number): void {
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      if (!e.demux.peerNeedsPromises || basis < e.lastSentAt + e.syncInterval) continue;
      const promise = basis + e.lookahead;
      if (promise > e.promised()) e.sync(promise, basis);
    }
  }

  /** Simulated time at which the next sync falls due; the instance runs events only up to it. */
  nextDue(): number {
    let due = Infinity;
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      if (e.demux.peerNeedsPromises) {
        const d = e.lastSentAt + e.syncInterval;
        if (d < due) due = d;
      }
    }
    return due;
  }

  /**
   * A global lower bound: no event anywhere will be executed before `time` (the orchestrator saw
   * every instance blocked, no message in flight). Raises every inbound promise to time +
   * lookahead, which ends the creep of promises around a cycle of channels, one lookahead a
   * round trip, when events are far apart.
   */
  grant(time: number): void {
    for (const e of this.ends) {
      const p = time + e.lookahead;
      if (e.inbound && p > e.demux.promise) e.demux.promise = p;
    }
  }

  flush(): void {
    const ends = this.ends;
    if (!this.timing) {
      for (let i = 0; i < ends.length; i++) ends[i]!.flush();
      return;
    }
    let t = -1;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      if (!e.unpublished) continue;
      if (t < 0) t = spanNs();
      t = e.flushTimed(t);
    }
  }

  /** The instance will never send again (it finished or stopped): promise Infinity everywhere. */
  promiseForever(): void {
    for (const e of this.ends) if (e.demux.peerNeedsPromises && e.lastSync !== Infinity) e.sync(Infinity, Infinity);
    this.flush();
  }

  /** Messages sent and received per channel, for termination detection: [channel, sent, received]. */
  counts(): Array<[number, number, number]> {
    return this.ends.map((e) => [e.channel, e.sent, e.demux.dataIn]);
  }
}
