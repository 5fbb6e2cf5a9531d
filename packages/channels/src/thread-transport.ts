import { ChannelEnd, type ChannelEndOptions } from './channel-end.ts';
import { spanNs } from './counters.ts';
import type { Doorbell } from './doorbell.ts';
import { HELLO_BYTES, HELLO_NEEDS_PROMISES, MAX_PAYLOAD, NUM_BYTES, SYNC_BYTES, T_NUM, flatRecordBytes, refRecordBytes, writeFlatHeader, writeHello, writeRef, writeShape, writeSync } from './records.ts';
import { RingReader, RingWriter } from './ring.ts';
import { SplitSimError } from '@splitsim/kernel';

/** Publish when the write position crosses a multiple of this many bytes (64 number messages), even in the middle of a long run of events. */
const PUBLISH_MASK = 2047;

export interface RingChannelOptions extends ChannelEndOptions {
  /** Ring this end writes (the peer reads it). */
  out: SharedArrayBuffer;
  /** Ring this end reads. */
  in: SharedArrayBuffer;
  /** The peer instance's doorbell, rung when we publish while it is parked. */
  peerBell: Doorbell;
  /**
   * Called while our outbound ring is full: it must read this instance's input (so a peer that
   * waits on its own full ring towards us can go on) and give up the core for a moment.
   */
  whileFull: () => void;
}

/**
 * A channel end between two worker threads of one process: two SharedArrayBuffer rings, one per
 * direction. A message that is a number is four field stores; publishing is one atomic store
 * every PUBLISH_EVERY messages or at the end of a batch of events, plus one atomic load of the
 * peer's doorbell.
 */
export class RingChannelEnd extends ChannelEnd {
  private readonly out: RingWriter;
  private readonly in: RingReader;
  private readonly peerBell: Doorbell;

  constructor(o: RingChannelOptions) {
    super(o);
    this.peerBell = o.peerBell;
    this.in = new RingReader(o.in);
    this.out = new RingWriter(o.out, () => {
      const t0 = this.timing ? spanNs() : 0;
      this.peerBell.ring();
      o.whileFull();
      if (this.timing) this.counters.txNs += spanNs() - t0;
    });
  }

  send(link: number, time: number, order: number, num: number, ref: unknown): void {
    if (ref !== undefined) {
      this.sendRef(link, time, order, num, ref);
      return;
    }
    // The common message, written in place: four field stores and a position update.
    const out = this.out;
    const pos = out.pos;
    let off = pos & out.mask;
    if (((pos - out.readSeen) | 0) > out.capacity - NUM_BYTES || off > out.capacity - NUM_BYTES) off = out.reserve(NUM_BYTES);
    const v = out.v;
    const i = off >> 2;
    const j = off >> 3;
    v.i32[i] = T_NUM;
    v.i32[i + 1] = link;
    v.f64[j + 1] = time;
    v.f64[j + 2] = order;
    v.f64[j + 3] = num;
    out.commit(NUM_BYTES);
    this.linkBytes[link]! += NUM_BYTES;
    this.lastSentAt = this.inbox.now;
    this.sent++;
    if ((out.pos & PUBLISH_MASK) < NUM_BYTES) this.publish();
  }

  private sendRef(link: number, time: number, order: number, num: number, ref: unknown): void {
    const flat = this.flat;
    if (flat.matches(ref) || this.adoptFlat(ref)) {
      // Like a number message: field stores, published with the batch.
      const bytes = flatRecordBytes(flat.keys.length);
      const out = this.out;
      const off = out.reserve(bytes);
      writeFlatHeader(out.v, off, flat.id, link, time, order, num);
      flat.write(ref, out.v.f64, (off >> 3) + 4);
      out.commit(bytes);
      this.linkBytes[link]! += bytes;
      this.lastSentAt = this.inbox.now;
      this.sent++;
      if ((out.pos & PUBLISH_MASK) < bytes) this.publish();
      return;
    }
    const payload = this.packr.pack(ref);
    if (payload.length > MAX_PAYLOAD) {
      throw new SplitSimError('E_CHANNEL', `channel ${this.name}: a message reference of ${payload.length} bytes is over the ${MAX_PAYLOAD}-byte limit`, { channel: this.name });
    }
    const bytes = refRecordBytes(payload.length);
    const out = this.out;
    const off = out.reserve(bytes);
    writeRef(out.v, off, link, time, order, num, payload);
    out.commit(bytes);
    this.linkBytes[link]! += bytes;
    this.lastSentAt = this.inbox.now;
    this.sent++;
    this.publish();
  }

  protected writeShape(id: number, payload: Uint8Array): void {
    const bytes = refRecordBytes(payload.length);
    const off = this.out.reserve(bytes);
    writeShape(this.out.v, off, id, payload);
    this.out.commit(bytes);
  }

  hello(needsPromises: boolean): void {
    const off = this.out.reserve(HELLO_BYTES);
    writeHello(this.out.v, off, needsPromises ? HELLO_NEEDS_PROMISES : 0);
    this.out.commit(HELLO_BYTES);
    this.publish();
  }

  hasInput(): boolean {
    return this.in.available();
  }

  close(): void {}

  protected writeSync(promise: number): void {
    const off = this.out.reserve(SYNC_BYTES);
    writeSync(this.out.v, off, promise);
    this.out.commit(SYNC_BYTES);
  }

  protected publish(): void {
    this.counters.txMsgs = this.sent;
    this.out.publish();
    this.peerBell.ring();
  }

  protected pending(): boolean {
    return this.out.pending;
  }

  protected drain(): number {
    return this.in.drain(this.demux);
  }
}
