import { SplitSimError } from '@splitsim/kernel';
import { RecordViews, writePad } from './records.ts';
import type { Demux } from './trunk.ts';

/**
 * A single-producer/single-consumer ring of records in a SharedArrayBuffer. The first 128 bytes
 * hold the two positions, each on its own cache line: the writer's (bytes published) and the
 * reader's (bytes consumed). Positions are byte counters that wrap at 2^32 (int32 arithmetic);
 * the capacity is a power of two, so `position & mask` is the offset either way.
 *
 * The writer fills records with plain stores and publishes a batch with one atomic store of its
 * position; the reader takes the position with one atomic load, reads every record up to it with
 * plain loads, and hands the space back with one atomic store. A record never straddles the end
 * of the buffer: a PAD record sends the reader back to the start.
 */
const WRITE = 0;
const READ = 16;
export const RING_HEADER_BYTES = 128;
export const DEFAULT_RING_BYTES = 1 << 18;

export function createRing(capacity = DEFAULT_RING_BYTES): SharedArrayBuffer {
  if (!Number.isInteger(Math.log2(capacity)) || capacity < 4096 || capacity > 1 << 30) {
    throw new SplitSimError('E_CHANNEL', `ring capacity must be a power of two between 4 KiB and 1 GiB, got ${capacity}`);
  }
  return new SharedArrayBuffer(RING_HEADER_BYTES + capacity);
}

export class RingWriter {
  readonly v: RecordViews;
  readonly capacity: number;
  readonly mask: number;
  private readonly ctl: Int32Array;
  /** Next byte to write (not yet published beyond `published`). */
  pos = 0;
  private published = 0;
  /** Reader position last seen; refreshed only when the ring looks full. */
  readSeen = 0;

  /** `whileFull` runs while the ring has no room: it must drain the writer's own input, so two full rings cannot deadlock. */
  constructor(sab: SharedArrayBuffer, private readonly whileFull: () => void) {
    this.capacity = sab.byteLength - RING_HEADER_BYTES;
    this.mask = this.capacity - 1;
    this.ctl = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
    this.v = new RecordViews(sab, RING_HEADER_BYTES, this.capacity);
  }

  /** Room for a record of `bytes` (a multiple of 8): returns the offset to write it at. */
  reserve(bytes: number): number {
    let off = this.pos & this.mask;
    const tail = this.capacity - off;
    const need = tail < bytes ? tail + bytes : bytes;
    if (((this.pos - this.readSeen) | 0) + need > this.capacity) this.waitForRoom(need, bytes);
    if (tail < bytes) {
      writePad(this.v, off);
      this.pos = (this.pos + tail) | 0;
      off = 0;
    }
    return off;
  }

  commit(bytes: number): void {
    this.pos = (this.pos + bytes) | 0;
  }

  get pending(): boolean {
    return this.pos !== this.published;
  }

  /** Makes every committed record visible to the reader. */
  publish(): void {
    Atomics.store(this.ctl, WRITE, this.pos);
    this.published = this.pos;
  }

  private waitForRoom(need: number, bytes: number): void {
    if (bytes > this.capacity >> 1) {
      throw new SplitSimError('E_CHANNEL', `a message of ${bytes} bytes does not fit a ring of ${this.capacity} bytes; send smaller references`, { bytes });
    }
    this.publish();
    for (;;) {
      this.readSeen = Atomics.load(this.ctl, READ);
      if (((this.pos - this.readSeen) | 0) + need <= this.capacity) return;
      this.whileFull();
    }
  }
}

export class RingReader {
  private readonly v: RecordViews;
  private readonly capacity: number;
  private readonly mask: number;
  private readonly ctl: Int32Array;
  private pos = 0;

  constructor(sab: SharedArrayBuffer) {
    this.capacity = sab.byteLength - RING_HEADER_BYTES;
    this.mask = this.capacity - 1;
    this.ctl = new Int32Array(sab, 0, RING_HEADER_BYTES >> 2);
    this.v = new RecordViews(sab, RING_HEADER_BYTES, this.capacity);
  }

  available(): boolean {
    return Atomics.load(this.ctl, WRITE) !== this.pos;
  }

  /** Reads every published record through `demux`; returns how many. */
  drain(demux: Demux): number {
    const end = Atomics.load(this.ctl, WRITE);
    const before = demux.records;
    this.pos = demux.readAll(this.v, this.pos, end, this.mask, this.capacity);
    Atomics.store(this.ctl, READ, this.pos);
    return demux.records - before;
  }
}
