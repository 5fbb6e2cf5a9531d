/**
 * The packet record every network model passes around. One flat object of numbers with a fixed
 * key order, created by makePacket() only, so every packet shares one hidden class (the fields a
 * switch reads come first); it has no
 * nested objects, so msgpackr carries it across instances as is (a cut link sends it as the
 * message's `ref`, with `num` unused). A packet is allocated once by the host that sends it and
 * travels by reference through every queue and link until a host consumes it; switches never copy.
 */
export interface Packet {
  /** Source and destination host addresses (dense integers given by the network step). */
  src: number;
  dst: number;
  sport: number;
  dport: number;
  /** PROTO_UDP or PROTO_TCP. */
  proto: number;
  /** TCP flags and ECN bits (the F_* constants). */
  flags: number;
  /** Bytes on the wire: payload, headers and Ethernet framing; what serialization is charged for. */
  size: number;
  /** Payload bytes. */
  len: number;
  /** TCP: first payload byte's sequence number, and the cumulative acknowledgement. Plain byte offsets, never wrapped. */
  seq: number;
  ack: number;
  /** Flow hash, fixed by the sender: switches pick among equal-cost ports with it (ECMP). */
  hash: number;
  /** When the sending application created it (ps): UDP latency, TCP timestamp value. */
  sent: number;
  /** TCP timestamp echo (ps): the `sent` of the segment this one acknowledges. */
  echo: number;
  /** Application word carried by the segment that ends a message (RPC: the response size asked for). */
  msg: number;
}

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** TCP flags and ECN bits in Packet.flags. */
export const F_FIN = 1;
export const F_SYN = 2;
/** Push: this segment ends an application message (RPC framing). */
export const F_PSH = 8;
export const F_ACK = 16;
/** ECN-Echo: the receiver saw Congestion Experienced. */
export const F_ECE = 64;
/** Congestion Window Reduced. */
export const F_CWR = 128;
/** ECN-capable transport: switches may mark instead of waiting for a drop. */
export const F_ECT = 256;
/** Congestion Experienced, set by a switch whose queue is over its marking threshold. */
export const F_CE = 512;
/**
 * SACK-permitted: the connection end that sent this segment takes SACK blocks. It stands in for
 * the SYN option of RFC 2018 (there is no handshake), so it rides on every segment of such an end.
 */
export const F_SACK_OK = 1024;
/** The segment carries SACK blocks: it is a SackPacket, made by makeSackPacket(). */
export const F_SACK = 2048;

/** IPv4 + UDP headers. */
export const UDP_HEADER = 28;
/** IPv4 + TCP headers with the timestamp option. */
export const TCP_HEADER = 52;
/** Ethernet header, FCS, preamble and inter-frame gap: 14 + 4 + 8 + 12. */
export const ETHERNET_OVERHEAD = 38;
/** Smallest frame on the wire (64-byte frame plus preamble and gap). */
export const MIN_WIRE = 84;
/** Point-to-point framing (PPP's protocol field, as ns-3's PointToPointNetDevice): 2 bytes, no preamble, gap or minimum. */
export const PPP_OVERHEAD = 2;

/**
 * Bytes on the wire of `p` under point-to-point framing instead of Ethernet's (a host's `framing:
 * 'ppp'`, for comparisons with ns-3's point-to-point links): 36 fewer for a full frame, and no
 * padding to the Ethernet minimum (only UDP packets of under 18 payload bytes are padded).
 */
export function pppSize(p: Packet): number {
  return p.proto === PROTO_UDP ? p.len + UDP_HEADER + PPP_OVERHEAD : p.size - ETHERNET_OVERHEAD + PPP_OVERHEAD;
}

/** Bytes of a TCP SACK option with `blocks` blocks (RFC 2018: kind, length, 8 per block), padded to 4 bytes with two NOPs. */
export function sackOptionBytes(blocks: number): number {
  return blocks === 0 ? 0 : 4 + 8 * blocks;
}

/** Bytes on the wire for a payload of `len` behind `header` bytes of IP and transport headers. */
export function wireSize(len: number, header: number): number {
  const s = len + header + ETHERNET_OVERHEAD;
  return s < MIN_WIRE ? MIN_WIRE : s;
}

/** A 32-bit mix of the 5-tuple (murmur3's finalizer over a simple combination): stable for a flow. */
export function flowHash(src: number, dst: number, sport: number, dport: number, proto: number): number {
  let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b) ^ dst;
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35) ^ ((sport << 16) | (dport & 0xffff));
  h = Math.imul(h ^ (h >>> 13), 0x85ebca6b) ^ proto;
  h ^= h >>> 16;
  // A signed 32-bit value stays a small integer in the packet record (an unsigned one above 2^31 would be boxed).
  return h | 0;
}

/**
 * A packet's wire word: what a switch needs of it (destination, size on the wire, the ECN bits)
 * packed into the message's number, so that forwarding reads the event, not the packet record
 * (a cache miss per hop): dst + size · 2^16 + ECN · 2^30, ECN = 1 for ECT, 3 for ECT and CE.
 * -1 where that does not fit (addresses from 65 536 on, frames of 16 KiB or more): switches then
 * read the packet. A cut link carries the word as the message's number too.
 */
export function wireWord(p: Packet): number {
  if (p.dst > 0xffff || p.size > 0x3fff) return -1;
  return p.dst + p.size * 0x10000 + ((p.flags & F_ECT) !== 0 ? ((p.flags & F_CE) !== 0 ? 3 : 1) : 0) * 0x40000000;
}

/** The parts of a wire word (≥ 0). */
export const wordDst = (w: number): number => w & 0xffff;
export const wordSize = (w: number): number => (w >>> 16) & 0x3fff;
/** ECN-capable and not yet marked. */
export const wordMarkable = (w: number): boolean => w >>> 30 === 1;
/** The word with Congestion Experienced set. */
export const wordMarked = (w: number): number => w + 2 * 0x40000000;

export function makePacket(
  src: number, dst: number, sport: number, dport: number, proto: number, flags: number,
  size: number, len: number, seq: number, ack: number, hash: number, sent: number, echo: number, msg: number,
): Packet {
  // What every hop reads (destination, flow hash, size, flags) first: one cache line per hop.
  return { dst, hash, size, flags, src, sport, dport, proto, len, seq, ack, sent, echo, msg };
}

/**
 * A segment that carries SACK blocks (RFC 2018): up to three [left, right) byte ranges the
 * receiver holds above its cumulative acknowledgement, the one holding the segment that prompted
 * the acknowledgement first. A block whose right edge is 0 is absent. Only segments sent while the
 * receiver holds out-of-order data have this second shape, so every other packet keeps the one
 * shape of makePacket() (and stays small); its fields are numbers, so it crosses a channel as a
 * flat record all the same.
 */
export interface SackPacket extends Packet {
  sackL1: number;
  sackR1: number;
  sackL2: number;
  sackR2: number;
  sackL3: number;
  sackR3: number;
}

/** A makePacket() with SACK blocks: `blocks` holds [left, right] pairs, `n` of them (1 to 3); F_SACK is set here. */
export function makeSackPacket(
  src: number, dst: number, sport: number, dport: number, proto: number, flags: number,
  size: number, len: number, seq: number, ack: number, hash: number, sent: number, echo: number, msg: number,
  blocks: readonly number[], n: number,
): SackPacket {
  return {
    dst, hash, size, flags: flags | F_SACK, src, sport, dport, proto, len, seq, ack, sent, echo, msg,
    sackL1: blocks[0]!, sackR1: blocks[1]!,
    sackL2: n > 1 ? blocks[2]! : 0, sackR2: n > 1 ? blocks[3]! : 0,
    sackL3: n > 2 ? blocks[4]! : 0, sackR3: n > 2 ? blocks[5]! : 0,
  };
}
