import type { RemoteLink } from '@splitsim/kernel';
import { Packr } from 'msgpackr';
import { ChannelCounters, spanNs } from './counters.ts';
import { FlatWriter } from './flat.ts';
import { Demux, type Inbox, type Trunk } from './trunk.ts';

/** What every channel end needs to know, whatever carries its bytes. */
export interface ChannelEndOptions {
  /** Plan channel id and name (`i0↔i1`). */
  channel: number;
  name: string;
  /** Name of the instance at the other end. */
  peer: string;
  /** Smallest latency among the links the channel carries, ps. */
  lookahead: number;
  /** Longest silence, in simulated time, before a sync message; at most the lookahead. */
  syncInterval: number;
  trunk: Trunk;
  inbox: Inbox;
}

/**
 * Encoder for `ref` payloads. Plain data only (no shared record structures between the two
 * ends), typed arrays kept, binary copied out of the ring before the ring reuses the bytes.
 */
export function newPackr(): Packr {
  return new Packr({ useRecords: false, moreTypes: true, copyBuffers: true });
}

/**
 * One end of a channel: the trunk of every cut link between two instances, and its sync stream.
 * Outbound it is the RemoteLink that cut ports send through; inbound it decodes records into the
 * instance's event queue. Transports (shared-memory ring, socket, later WebSocket) implement the
 * byte movement; the sync protocol (Synchronizer) only sees this class.
 */
export abstract class ChannelEnd implements RemoteLink {
  readonly channel: number;
  readonly name: string;
  readonly peer: string;
  readonly lookahead: number;
  readonly syncInterval: number;
  readonly counters = new ChannelCounters();
  /** Inbound sync state and demultiplexer. */
  readonly demux: Demux;
  /** Whether a local port on this channel receives, so the peer can send to us and we need its promises. */
  readonly inbound: boolean;
  /** Simulated time the last outbound promise was based on: a message's send time, or a sync's basis. */
  lastSentAt = 0;
  /** Messages sent: counted on the send path, copied into counters.txMsgs when published. */
  sent = 0;
  /** The last explicit promise sent (initially the one implied by starting at time 0). */
  lastSync: number;
  protected readonly inbox: Inbox;
  /** The trunk's bytes sent per link, which send() adds to. */
  protected readonly linkBytes: Float64Array;
  protected readonly packr = newPackr();
  /** Flat references (plain objects of numbers: packets) go field by field, not through msgpackr. */
  protected readonly flat = new FlatWriter();

  constructor(o: ChannelEndOptions) {
    this.channel = o.channel;
    this.name = o.name;
    this.peer = o.peer;
    this.lookahead = o.lookahead;
    this.syncInterval = o.syncInterval;
    this.inbox = o.inbox;
    this.linkBytes = o.trunk.txBytes;
    this.lastSync = o.lookahead;
    this.inbound = o.trunk.receives(o.channel);
    this.demux = new Demux(o.trunk, o.inbox, o.channel, o.name, o.lookahead, (bytes) => this.packr.unpack(bytes), o.peer);
  }

  /** The latest promise received: no message below this time will arrive. */
  get promise(): number {
    return this.demux.promise;
  }

  get peerNeedsPromises(): boolean {
    return this.demux.peerNeedsPromises;
  }

  /** The promise the peer holds from us: the last sync, or the one the last message implies. */
  promised(): number {
    const implied = this.lastSentAt + this.lookahead;
    return implied > this.lastSync ? implied : this.lastSync;
  }

  /**
   * Whether rx, tx and sync work is timed into the counters (the instance turns it on when the run
   * is profiled). A clock read costs 30-70 ns, as much as a sync message, so an unprofiled run
   * keeps only the message counts and waitNs.
   */
  timing = false;

  /** Sends a sync message promising `promise`, based on simulated time `basis`, and publishes it. */
  sync(promise: number, basis: number): void {
    const t0 = this.timing ? spanNs() : 0;
    this.writeSync(promise);
    this.lastSync = promise;
    this.lastSentAt = basis;
    this.publish();
    this.counters.syncMsgs++;
    if (this.timing) this.counters.syncNs += spanNs() - t0;
  }

  /** Publishes everything written, charged to tx. */
  flush(): void {
    if (!this.pending()) return;
    const t0 = this.timing ? spanNs() : 0;
    this.publish();
    if (this.timing) this.counters.txNs += spanNs() - t0;
  }

  /**
   * For a caller that times several ends in a row (the Synchronizer): reads this end's input,
   * which must be there, charges the time since `since` to rx and returns the clock, so the next
   * end starts from it: k + 1 clock reads for k ends instead of 2k.
   */
  drainTimed(since: number): number {
    const before = this.demux.dataIn;
    this.drain();
    this.counters.rxMsgs += this.demux.dataIn - before;
    const now = spanNs();
    this.counters.rxNs += now - since;
    return now;
  }

  /** Like flush(), for a caller that times several ends in a row; returns the clock. */
  flushTimed(since: number): number {
    this.publish();
    const now = spanNs();
    this.counters.txNs += now - since;
    return now;
  }

  /** True if records were written and not yet published. */
  get unpublished(): boolean {
    return this.pending();
  }

  /** Reads every record that has arrived; returns how many. Charged to rx when there were some. */
  poll(): number {
    if (!this.hasInput()) return 0;
    const t0 = this.timing ? spanNs() : 0;
    const before = this.demux.dataIn;
    const n = this.drain();
    this.counters.rxMsgs += this.demux.dataIn - before;
    if (this.timing) this.counters.rxNs += spanNs() - t0;
    return n;
  }

  /**
   * Makes ref's shape the flat writer's current one if ref is flat, announcing a new shape to
   * the peer first; false if ref is not flat (it goes through msgpackr).
   */
  protected adoptFlat(ref: unknown): boolean {
    const a = this.flat.adopt(ref);
    if (a === 'no') return false;
    if (a === 'new') this.writeShape(this.flat.id, this.flat.announcement());
    return true;
  }

  /** Cut ports send through this (Port.remote): one message of a link, at its delivery time. */
  abstract send(link: number, time: number, order: number, num: number, ref: unknown): void;
  /** True if records have arrived that poll() has not read. */
  abstract hasInput(): boolean;
  /** Tells the peer whether we need its promises; the first record each way. */
  abstract hello(needsPromises: boolean): void;
  /** Releases the transport (socket, server); idempotent. */
  abstract close(): void;
  protected abstract writeSync(promise: number): void;
  /** Writes a SHAPE record announcing flat shape `id` (its keys as `payload`). */
  protected abstract writeShape(id: number, payload: Uint8Array): void;
  /** Makes written records visible to the peer. */
  protected abstract publish(): void;
  /** True if records were written and not yet published. */
  protected abstract pending(): boolean;
  protected abstract drain(): number;
}
