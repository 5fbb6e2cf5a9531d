import { formatTime, SplitSimError } from '@splitsim/kernel';
import { FlatShapes } from './flat.ts';
import {
  HELLO_MAGIC, HELLO_NEEDS_PROMISES, NUM_BYTES, PROTOCOL_VERSION, RecordViews, SYNC_BYTES, HELLO_BYTES, T_FLAT, T_HELLO, T_NUM, T_PAD, T_REF, T_SHAPE, T_SYNC, flatRecordBytes, refRecordBytes,
} from './records.ts';

/** Where inbound messages go: the instance's engine satisfies it. */
export interface Inbox {
  /** Simulated time of the event executing (or last executed). */
  readonly now: number;
  deliver(time: number, order: number, handler: number, num: number, ref: unknown): void;
}

/**
 * The cut links of one instance, by link id: which channel carries each, which handler its
 * local port receives with, and its latency. A channel is a trunk of such links; the receiver
 * demultiplexes by link id through these tables (typed arrays, no lookups by name).
 */
export class Trunk {
  readonly channel: Int32Array;
  readonly handler: Int32Array;
  readonly latency: Float64Array;
  /**
   * Bytes sent per link by this instance's channel ends (records as written, headers included):
   * traffic per cut link for the profile log, one addition per message.
   */
  readonly txBytes: Float64Array;
  private readonly names = new Map<number, string>();

  constructor(linkCount: number) {
    this.channel = new Int32Array(linkCount).fill(-1);
    this.handler = new Int32Array(linkCount).fill(-1);
    this.latency = new Float64Array(linkCount);
    this.txBytes = new Float64Array(linkCount);
  }

  /** Registers cut link `link` on `channel`; `handler` is the local port's receiver, or -1. */
  add(link: number, channel: number, handler: number, latency: number, portName: string): void {
    this.channel[link] = channel;
    this.handler[link] = handler;
    this.latency[link] = latency;
    this.names.set(link, portName);
  }

  /** True if some link of `channel` ends in a local port that receives, so the peer may send to us. */
  receives(channel: number): boolean {
    for (let l = 0; l < this.channel.length; l++) if (this.channel[l] === channel && this.handler[l] >= 0) return true;
    return false;
  }

  portName(link: number): string {
    return this.names.get(link) ?? `link ${link}`;
  }
}

/**
 * Decodes the records of one channel direction and delivers its messages into the inbox.
 * Keeps the channel's inbound sync state: the latest promise, explicit (SYNC) or implied by a
 * message (its send time, delivery time minus link latency, plus the channel's lookahead).
 */
export class Demux {
  /** No message with a delivery time below this will arrive on the channel. */
  promise: number;
  /** Messages received (not syncs): what termination detection counts. */
  dataIn = 0;
  /** Records of any kind received. */
  records = 0;
  /** From the peer's HELLO: whether it receives on this channel, so wants our promises. */
  peerNeedsPromises = true;
  /** The peer's HELLO has arrived (it must be its first record). */
  helloSeen = false;
  /** Shapes of flat references the peer announced. */
  private readonly shapes = new FlatShapes();

  constructor(
    private readonly trunk: Trunk,
    private readonly inbox: Inbox,
    private readonly channelId: number,
    private readonly channelName: string,
    private readonly lookahead: number,
    private readonly unpack: (bytes: Uint8Array) => unknown,
    /** Name of the instance at the other end, for errors that blame it. */
    private readonly peer = 'the peer',
  ) {
    // Nothing is sent before time 0, so nothing arrives before one lookahead.
    this.promise = lookahead;
  }

  /**
   * Reads every record from byte position `pos` up to `end` and returns the new position. The
   * offset of a position is `pos & mask`; a PAD sends the reader to the next multiple of
   * `capacity` (rings only). Number messages, the common case, are decoded inline with the
   * channel state in locals; the promise a batch of them implies is the last one's (send times
   * never decrease along a channel). Other records go through read().
   */
  readAll(v: RecordViews, pos: number, end: number, mask: number, capacity: number): number {
    const i32 = v.i32;
    const f64 = v.f64;
    const channelOf = this.trunk.channel;
    const handlerOf = this.trunk.handler;
    const inbox = this.inbox;
    const id = this.channelId;
    let promise = this.promise;
    let lastLink = -1;
    let lastTime = 0;
    let n = 0;
    while (pos !== end) {
      const off = pos & mask;
      const i = off >> 2;
      if (i32[i] === T_NUM) {
        const link = i32[i + 1]!;
        const j = off >> 3;
        const time = f64[j + 1]!;
        const handler = handlerOf[link]!;
        if (channelOf[link] !== id || handler < 0 || !(time >= promise)) this.reject(link, time, promise);
        inbox.deliver(time, f64[j + 2]!, handler, f64[j + 3]!, undefined);
        lastLink = link;
        lastTime = time;
        n++;
        pos = (pos + NUM_BYTES) | 0;
      } else {
        this.promise = promise;
        const size = this.read(v, off);
        promise = this.promise;
        pos = (pos + (size === 0 ? capacity - off : size)) | 0;
      }
    }
    if (lastLink >= 0) {
      const implied = lastTime - this.trunk.latency[lastLink]! + this.lookahead;
      if (implied > promise) promise = implied;
    }
    this.promise = promise;
    this.dataIn += n;
    this.records += n;
    return pos;
  }

  private reject(link: number, time: number, promise: number): never {
    if (this.trunk.channel[link] !== this.channelId) this.foreign(link);
    if (this.trunk.handler[link]! < 0) this.deaf(link);
    this.promise = promise;
    this.broken(time);
  }

  /** Decodes the record at byte `off`; returns its size, or 0 for a PAD (the reader wraps). */
  read(v: RecordViews, off: number): number {
    const word = v.i32[off >> 2]!;
    const type = word & 0xff;
    if (type === T_NUM || type === T_REF || type === T_FLAT) {
      const link = v.i32[(off >> 2) + 1]!;
      const j = off >> 3;
      const time = v.f64[j + 1]!;
      const order = v.f64[j + 2]!;
      const num = v.f64[j + 3]!;
      if (this.trunk.channel[link] !== this.channelId) this.foreign(link);
      const handler = this.trunk.handler[link]!;
      if (handler < 0) this.deaf(link);
      if (!(time >= this.promise)) this.broken(time);
      let size = NUM_BYTES;
      let ref: unknown = undefined;
      if (type === T_REF) {
        const len = word >>> 8;
        ref = this.unpack(v.u8.subarray(off + NUM_BYTES, off + NUM_BYTES + len));
        size = refRecordBytes(len);
      } else if (type === T_FLAT) {
        const shape = word >>> 8;
        const reader = this.shapes.readers[shape];
        if (reader === undefined) this.malformed(`a flat record of shape ${shape}, which was never announced`);
        ref = reader(v.f64, j + 4);
        size = flatRecordBytes(this.shapes.sizes[shape]!);
      }
      this.inbox.deliver(time, order, handler, num, ref);
      const implied = time - this.trunk.latency[link]! + this.lookahead;
      if (implied > this.promise) this.promise = implied;
      this.dataIn++;
      this.records++;
      return size;
    }
    if (type === T_SYNC) {
      const p = v.f64[(off >> 3) + 1]!;
      if (p > this.promise) this.promise = p;
      this.records++;
      return SYNC_BYTES;
    }
    if (type === T_SHAPE) {
      const len = word >>> 8;
      const problem = this.shapes.announce(v.i32[(off >> 2) + 1]!, v.u8.subarray(off + NUM_BYTES, off + NUM_BYTES + len));
      if (problem !== null) this.malformed(problem);
      this.records++;
      return refRecordBytes(len);
    }
    if (type === T_PAD) return 0;
    if (type === T_HELLO) {
      const i = off >> 2;
      const magic = v.i32[i + 2]! >>> 0;
      const version = v.i32[i + 3]!;
      if (magic !== HELLO_MAGIC) this.malformed(`its HELLO carries magic 0x${magic.toString(16)}, not 0x${HELLO_MAGIC.toString(16)} ("SSIM"): it does not speak the SplitSim protocol`);
      if (version !== PROTOCOL_VERSION) this.malformed(`it speaks protocol version ${version}; this end speaks version ${PROTOCOL_VERSION}`);
      this.peerNeedsPromises = (v.i32[i + 1]! & HELLO_NEEDS_PROMISES) !== 0;
      this.helloSeen = true;
      this.records++;
      return HELLO_BYTES;
    }
    this.malformed(`unknown record type ${type}; the two ends run different versions`);
  }

  /**
   * Reads the records of one socket frame body, bytes [pos, end) of `v`. Unlike readAll (rings,
   * whose writer is this same code), every record is bounds-checked and the first must be a
   * HELLO: the peer may be a program in another language (docs/external-protocol.md).
   */
  readFrame(v: RecordViews, pos: number, end: number): void {
    const i32 = v.i32;
    const f64 = v.f64;
    const channelOf = this.trunk.channel;
    const handlerOf = this.trunk.handler;
    const inbox = this.inbox;
    const id = this.channelId;
    let promise = this.promise;
    let lastLink = -1;
    let lastTime = 0;
    let n = 0;
    while (pos < end) {
      const i = pos >> 2;
      if (i32[i] === T_NUM && this.helloSeen && end - pos >= NUM_BYTES) {
        const link = i32[i + 1]!;
        const j = pos >> 3;
        const time = f64[j + 1]!;
        const handler = handlerOf[link]!;
        if (channelOf[link] !== id || handler < 0 || !(time >= promise)) this.reject(link, time, promise);
        inbox.deliver(time, f64[j + 2]!, handler, f64[j + 3]!, undefined);
        lastLink = link;
        lastTime = time;
        n++;
        pos += NUM_BYTES;
        continue;
      }
      const word = i32[i]!;
      const type = word & 0xff;
      if (!this.helloSeen && type !== T_HELLO) this.malformed(`its first record is of type ${type}, not HELLO (${T_HELLO})`);
      const size = this.recordSize(word);
      if (size <= 0) this.malformed(type === T_PAD ? 'a PAD record in a socket frame' : `unknown record type ${type}`);
      if (size > end - pos) this.malformed(`a record of type ${type} and ${size} bytes runs past the end of its frame (${end - pos} bytes left)`);
      if (lastLink >= 0) {
        const implied = lastTime - this.trunk.latency[lastLink]! + this.lookahead;
        if (implied > promise) promise = implied;
        lastLink = -1;
      }
      this.promise = promise;
      this.read(v, pos);
      promise = this.promise;
      pos += size;
    }
    if (lastLink >= 0) {
      const implied = lastTime - this.trunk.latency[lastLink]! + this.lookahead;
      if (implied > promise) promise = implied;
    }
    this.promise = promise;
    this.dataIn += n;
    this.records += n;
  }

  /** Bytes of the record whose first word is `word`; 0 for PAD or an unknown type or shape. */
  private recordSize(word: number): number {
    const type = word & 0xff;
    if (type === T_NUM) return NUM_BYTES;
    if (type === T_REF || type === T_SHAPE) return refRecordBytes(word >>> 8);
    if (type === T_FLAT) {
      const fields = this.shapes.sizes[word >>> 8];
      if (fields === undefined) this.malformed(`a flat record of shape ${word >>> 8}, which was never announced`);
      return flatRecordBytes(fields);
    }
    if (type === T_SYNC || type === T_HELLO) return type === T_SYNC ? SYNC_BYTES : HELLO_BYTES;
    return 0;
  }

  /** A record or frame the peer should never have sent. */
  malformed(what: string): never {
    throw new SplitSimError('E_CHANNEL', `channel ${this.channelName}: instance ${this.peer} sent a malformed record: ${what}`, { channel: this.channelName, peer: this.peer });
  }

  private foreign(link: number): never {
    throw new SplitSimError('E_CHANNEL', `channel ${this.channelName}: instance ${this.peer} sent a message for link ${link}, which this channel does not carry`, { channel: this.channelName, link, peer: this.peer });
  }

  private deaf(link: number): never {
    const port = this.trunk.portName(link);
    throw new SplitSimError('E_PORT', `${port}: a message arrived over channel ${this.channelName}, but the port does not receive messages`, { channel: this.channelName, port });
  }

  private broken(time: number): never {
    throw new SplitSimError(
      'E_CHANNEL',
      `channel ${this.channelName}: instance ${this.peer} broke its promise: it sent a message for ${Number.isFinite(time) ? formatTime(time) : String(time)} after it promised nothing before ${formatTime(this.promise)} (receiver at ${formatTime(this.inbox.now)}); the sync protocol was broken`,
      { channel: this.channelName, time, promise: this.promise, peer: this.peer },
    );
  }
}
