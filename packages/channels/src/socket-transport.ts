import { createServer, connect, type Server, type Socket } from 'node:net';
import { SplitSimError } from '@splitsim/kernel';
import { ChannelEnd, type ChannelEndOptions } from './channel-end.ts';
import {
  HELLO_BYTES, HELLO_NEEDS_PROMISES, MAX_PAYLOAD, NUM_BYTES, RecordViews, SYNC_BYTES, flatRecordBytes, refRecordBytes, writeFlatHeader, writeHello, writeNum, writeRef, writeShape, writeSync,
} from './records.ts';

/**
 * A channel end over a stream socket (a Unix-domain socket between processes; the same frames
 * can ride a WebSocket between runners). Records are batched into a frame: an 8-byte header
 * (u32 little-endian body length, u32 zero, keeping records 8-byte aligned) and a body of the
 * same records the shared-memory rings hold, payloads in msgpackr. A frame leaves when the
 * instance flushes (end of a batch of events, a sync, before blocking) or reaches FRAME_BYTES.
 */
const FRAME_HEADER = 8;
const FRAME_BYTES = 1 << 16;
/**
 * Largest frame body a reader accepts: a frame of FRAME_BYTES plus one record of the largest
 * reference. A longer length is garbage, not a frame to wait for.
 */
export const MAX_FRAME_BODY = 16 << 20;

/**
 * What a channel end needs of its connection: a stream of bytes (a Unix-domain socket) or of
 * whole frames (a WebSocket, ws-transport.ts); the reader gathers either the same way.
 */
export interface ByteStream {
  write(frame: Buffer): unknown;
  destroy(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export interface SocketChannelOptions extends ChannelEndOptions {
  socket: ByteStream;
  /** Called when bytes arrive (rings the instance's own doorbell). */
  onInput: () => void;
  /** Called once if the socket closes or fails before close() was called. */
  onLost: (why: string) => void;
}

export class SocketChannelEnd extends ChannelEnd {
  private readonly socket: ByteStream;
  private out: RecordViews;
  private outUsed = FRAME_HEADER;
  private readonly chunks: Buffer[] = [];
  private inBuf: ArrayBuffer;
  private inViews: RecordViews;
  private inUsed = 0;
  private closing = false;

  constructor(o: SocketChannelOptions) {
    super(o);
    this.socket = o.socket;
    this.out = new RecordViews(new ArrayBuffer(FRAME_BYTES * 2), 0, FRAME_BYTES * 2);
    this.inBuf = new ArrayBuffer(FRAME_BYTES * 2);
    this.inViews = new RecordViews(this.inBuf, 0, this.inBuf.byteLength);
    this.socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      o.onInput();
    });
    const lost = (why: string) => {
      if (this.closing) return;
      this.closing = true;
      o.onLost(why);
    };
    this.socket.on('error', (err) => lost(err.message));
    this.socket.on('close', () => lost('the peer closed the connection'));
  }

  send(link: number, time: number, order: number, num: number, ref: unknown): void {
    const flat = this.flat;
    if (ref !== undefined && (flat.matches(ref) || this.adoptFlat(ref))) {
      const bytes = flatRecordBytes(flat.keys.length);
      const off = this.room(bytes);
      writeFlatHeader(this.out, off, flat.id, link, time, order, num);
      flat.write(ref, this.out.f64, (off >> 3) + 4);
      this.outUsed += bytes;
      this.linkBytes[link]! += bytes;
    } else if (ref !== undefined) {
      const payload = this.packr.pack(ref);
      if (payload.length > MAX_PAYLOAD) {
        throw new SplitSimError('E_CHANNEL', `channel ${this.name}: a message reference of ${payload.length} bytes is over the ${MAX_PAYLOAD}-byte limit`, { channel: this.name });
      }
      const bytes = refRecordBytes(payload.length);
      writeRef(this.out, this.room(bytes), link, time, order, num, payload);
      this.outUsed += bytes;
      this.linkBytes[link]! += bytes;
    } else {
      writeNum(this.out, this.room(NUM_BYTES), link, time, order, num);
      this.outUsed += NUM_BYTES;
      this.linkBytes[link]! += NUM_BYTES;
    }
    this.lastSentAt = this.inbox.now;
    this.sent++;
    if (this.outUsed >= FRAME_BYTES) this.flush();
  }

  protected writeShape(id: number, payload: Uint8Array): void {
    const bytes = refRecordBytes(payload.length);
    writeShape(this.out, this.room(bytes), id, payload);
    this.outUsed += bytes;
  }

  hello(needsPromises: boolean): void {
    writeHello(this.out, this.room(HELLO_BYTES), needsPromises ? HELLO_NEEDS_PROMISES : 0);
    this.outUsed += HELLO_BYTES;
    this.publish();
  }

  hasInput(): boolean {
    return this.chunks.length > 0;
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  protected writeSync(promise: number): void {
    writeSync(this.out, this.room(SYNC_BYTES), promise);
    this.outUsed += SYNC_BYTES;
  }

  protected pending(): boolean {
    return this.outUsed > FRAME_HEADER;
  }

  protected publish(): void {
    this.counters.txMsgs = this.sent;
    const used = this.outUsed;
    if (used === FRAME_HEADER || this.closing) return;
    this.out.i32[0] = used - FRAME_HEADER;
    this.out.i32[1] = 0;
    const frame = Buffer.allocUnsafe(used);
    frame.set(this.out.u8.subarray(0, used));
    this.socket.write(frame);
    this.outUsed = FRAME_HEADER;
  }

  protected drain(): number {
    // Gather what arrived behind any partial frame left from last time, then decode whole frames.
    for (const c of this.chunks) {
      if (this.inUsed + c.length > this.inBuf.byteLength) this.growInput(this.inUsed + c.length);
      this.inViews.u8.set(c, this.inUsed);
      this.inUsed += c.length;
    }
    this.chunks.length = 0;
    const v = this.inViews;
    let off = 0;
    let n = 0;
    while (this.inUsed - off >= FRAME_HEADER) {
      const body = v.i32[off >> 2]!;
      const zero = v.i32[(off >> 2) + 1]!;
      if (zero !== 0 || body < 0 || (body & 7) !== 0 || body > MAX_FRAME_BODY) this.badFrame(body, zero);
      if (this.inUsed - off < FRAME_HEADER + body) break;
      const before = this.demux.records;
      this.demux.readFrame(v, off + FRAME_HEADER, off + FRAME_HEADER + body);
      off += FRAME_HEADER + body;
      n += this.demux.records - before;
    }
    if (off > 0) {
      v.u8.copyWithin(0, off, this.inUsed);
      this.inUsed -= off;
    }
    return n;
  }

  private badFrame(body: number, zero: number): never {
    const hex = (x: number) => `0x${(x >>> 0).toString(16).padStart(8, '0')}`;
    const why = zero !== 0 ? `its second header word is ${hex(zero)}, not 0` : `its body length ${body >>> 0} is ${body & 7 ? 'not a multiple of 8' : `over the ${MAX_FRAME_BODY}-byte limit`}`;
    this.demux.malformed(`a frame header ${hex(body)} ${hex(zero)}: ${why}`);
  }

  /** Offset for a record of `bytes` in the outbound frame, growing it for a large reference. */
  private room(bytes: number): number {
    if (this.outUsed + bytes > this.out.u8.length) {
      const size = Math.max(this.out.u8.length * 2, this.outUsed + bytes + FRAME_BYTES);
      const grown = new RecordViews(new ArrayBuffer(size), 0, size);
      grown.u8.set(this.out.u8.subarray(0, this.outUsed));
      this.out = grown;
    }
    return this.outUsed;
  }

  private growInput(bytes: number): void {
    let size = this.inBuf.byteLength * 2;
    while (size < bytes) size *= 2;
    const buf = new ArrayBuffer(size);
    new Uint8Array(buf).set(this.inViews.u8.subarray(0, this.inUsed));
    this.inBuf = buf;
    this.inViews = new RecordViews(buf, 0, size);
  }
}

/** Listens on a Unix-domain socket path; resolves with the server, whose first connection is the channel. */
export function listenChannel(path: string): Promise<{ server: Server; accepted: Promise<Socket> }> {
  return new Promise((resolve, reject) => {
    let accept!: (s: Socket) => void;
    const accepted = new Promise<Socket>((res) => (accept = res));
    const server = createServer({ noDelay: true }, (socket) => {
      accept(socket);
      server.close();
    });
    server.once('error', (err) => reject(new SplitSimError('E_CHANNEL', `cannot listen on ${path}: ${err.message}`, { path })));
    server.listen(path, () => resolve({ server, accepted }));
  });
}

/** Connects to a listening channel end. */
export function connectChannel(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path, noDelay: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => reject(new SplitSimError('E_CHANNEL', `cannot connect to ${path}: ${err.message}`, { path })));
  });
}
