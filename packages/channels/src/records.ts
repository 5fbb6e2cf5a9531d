/**
 * The record layout every transport carries: shared-memory rings hold records directly, socket
 * frames carry a block of them. Records are written field by field into typed-array views, so a
 * message that is a plain number costs no allocation; only `ref` payloads go through msgpackr.
 *
 * Every record is a whole number of 8-byte words, so f64 fields stay aligned:
 *
 *   word 0   i32 type | payloadBytes << 8,  i32 link id (HELLO: flags)
 *   word 1   f64 delivery time (SYNC: the promise)            — absent in PAD;
 *            HELLO: u32 magic "SSIM", u32 protocol version
 *   word 2   f64 order = origin component id · 2^32 + seq     — NUM and REF only
 *   word 3   f64 num                                          — NUM and REF only
 *   word 4…  payload bytes (msgpackr), padded to 8            — REF only
 *
 * A FLAT record is a NUM record whose type word holds a shape id (type | id << 8) and whose
 * fields follow from word 4, one f64 each (see flat.ts); a SHAPE record announces a shape, laid
 * out like a REF with the shape id in place of the link and the keys (JSON) as its payload.
 *
 * docs/external-protocol.md documents this layout byte by byte for programs in other languages;
 * PROTOCOL_VERSION changes whenever it does.
 */

/** Version of the wire protocol (records, frames, control messages); a HELLO carries it. */
export const PROTOCOL_VERSION = 1;
/** The HELLO record's magic word: the bytes "SSIM" read as a little-endian u32. */
export const HELLO_MAGIC = 0x4d495353;

/** Skip to the start of the ring: the record would not fit before its end. */
export const T_PAD = 0;
/** A promise: no message with a delivery time below it will follow on this channel. */
export const T_SYNC = 1;
/** A message that is a number. */
export const T_NUM = 2;
/** A message with a number and a msgpackr-encoded reference. */
export const T_REF = 3;
/** First record of each direction: what this end needs from its peer. */
export const T_HELLO = 4;
/** A message with a number and a flat reference: a shape id and one f64 per field. */
export const T_FLAT = 5;
/** The keys of a flat shape, before its first FLAT record. */
export const T_SHAPE = 6;

export const PAD_BYTES = 8;
export const HELLO_BYTES = 16;
export const SYNC_BYTES = 16;
export const NUM_BYTES = 32;

/** HELLO flag: this end receives messages on the channel, so it needs the peer's promises. */
export const HELLO_NEEDS_PROMISES = 1;

/** Largest ref payload one record may carry (the type word keeps 24 bits for its length). */
export const MAX_PAYLOAD = (1 << 23) - 1;

export function refRecordBytes(payload: number): number {
  return NUM_BYTES + ((payload + 7) & ~7);
}

/** Three views over one buffer (an ArrayBuffer or a SharedArrayBuffer) that records are read and written through. */
export class RecordViews {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;

  constructor(buffer: ArrayBufferLike, byteOffset: number, bytes: number) {
    this.i32 = new Int32Array(buffer, byteOffset, bytes >> 2);
    this.f64 = new Float64Array(buffer, byteOffset, bytes >> 3);
    this.u8 = new Uint8Array(buffer, byteOffset, bytes);
  }
}

export function writeNum(v: RecordViews, off: number, link: number, time: number, order: number, num: number): void {
  const i = off >> 2;
  v.i32[i] = T_NUM;
  v.i32[i + 1] = link;
  const j = off >> 3;
  const f64 = v.f64;
  f64[j + 1] = time;
  f64[j + 2] = order;
  f64[j + 3] = num;
}

export function writeRef(v: RecordViews, off: number, link: number, time: number, order: number, num: number, payload: Uint8Array): void {
  const i = off >> 2;
  v.i32[i] = T_REF | (payload.length << 8);
  v.i32[i + 1] = link;
  const j = off >> 3;
  v.f64[j + 1] = time;
  v.f64[j + 2] = order;
  v.f64[j + 3] = num;
  v.u8.set(payload, off + NUM_BYTES);
}

export function flatRecordBytes(fields: number): number {
  return NUM_BYTES + 8 * fields;
}

/** A FLAT record's header; its fields go from f64 index (off >> 3) + 4 on. */
export function writeFlatHeader(v: RecordViews, off: number, shape: number, link: number, time: number, order: number, num: number): void {
  const i = off >> 2;
  v.i32[i] = T_FLAT | (shape << 8);
  v.i32[i + 1] = link;
  const j = off >> 3;
  v.f64[j + 1] = time;
  v.f64[j + 2] = order;
  v.f64[j + 3] = num;
}

export function writeShape(v: RecordViews, off: number, shape: number, payload: Uint8Array): void {
  const i = off >> 2;
  v.i32[i] = T_SHAPE | (payload.length << 8);
  v.i32[i + 1] = shape;
  const j = off >> 3;
  v.f64[j + 1] = 0;
  v.f64[j + 2] = 0;
  v.f64[j + 3] = 0;
  v.u8.set(payload, off + NUM_BYTES);
}

export function writeSync(v: RecordViews, off: number, promise: number): void {
  v.i32[off >> 2] = T_SYNC;
  v.i32[(off >> 2) + 1] = 0;
  v.f64[(off >> 3) + 1] = promise;
}

export function writeHello(v: RecordViews, off: number, flags: number): void {
  v.i32[off >> 2] = T_HELLO;
  v.i32[(off >> 2) + 1] = flags;
  v.i32[(off >> 2) + 2] = HELLO_MAGIC;
  v.i32[(off >> 2) + 3] = PROTOCOL_VERSION;
}

export function writePad(v: RecordViews, off: number): void {
  v.i32[off >> 2] = T_PAD;
  v.i32[(off >> 2) + 1] = 0;
}
