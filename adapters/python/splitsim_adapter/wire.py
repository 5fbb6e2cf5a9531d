"""Frames and records of the SplitSim wire protocol, version 1 (docs/external-protocol.md).

Every connection is a stream of frames: an 8-byte header (u32 little-endian body length, u32
kind: 0 records, 1 one JSON message) and a body. Records are whole 8-byte words:

    NUM   32 bytes  i32 type 2, i32 link, f64 delivery time (ps), f64 order key, f64 num
    REF   32 + payload padded to 8: like NUM, type 3 | length << 8, msgpack payload
    FLAT  32 + 8 per field: like NUM, type 5 | shape << 8, one f64 per field
    SHAPE 32 + payload: type 6 | length << 8, i32 shape id, 24 zero bytes, JSON list of keys
    SYNC  16 bytes  i32 type 1, i32 0, f64 promise (ps, inf allowed)
    HELLO 16 bytes  i32 type 4, i32 flags (1: needs promises), u32 magic "SSIM", u32 version
"""
import json
import struct

from . import minipack

PROTOCOL_VERSION = 1
HELLO_MAGIC = 0x4D495353
T_PAD, T_SYNC, T_NUM, T_REF, T_HELLO, T_FLAT, T_SHAPE = range(7)
FRAME_RECORDS, FRAME_JSON = 0, 1
HEADER = struct.Struct('<II')
NUM = struct.Struct('<iiddd')
SYNC = struct.Struct('<iid')
HELLO = struct.Struct('<iiII')
MAX_FRAME_BODY = 16 << 20


class ProtocolError(Exception):
    """The peer sent something the protocol does not allow."""


def frame(body, kind=FRAME_RECORDS):
    return HEADER.pack(len(body), kind) + body


def hello(needs_promises):
    return HELLO.pack(T_HELLO, 1 if needs_promises else 0, HELLO_MAGIC, PROTOCOL_VERSION)


def json_frame(message):
    # Infinity has no JSON form; the protocol sends null in its place.
    clean = {k: (None if v == float('inf') else v) for k, v in message.items()}
    return frame(json.dumps(clean, allow_nan=False, separators=(',', ':')).encode(), FRAME_JSON)


def check_hello(body, what):
    """Checks a HELLO record; returns its flags."""
    if len(body) < 16:
        raise ProtocolError(f'{what}: a HELLO of {len(body)} bytes')
    kind, flags, magic, version = HELLO.unpack_from(body, 0)
    if kind & 0xFF != T_HELLO:
        raise ProtocolError(f'{what}: the first record is of type {kind & 0xFF}, not HELLO')
    if magic != HELLO_MAGIC:
        raise ProtocolError(f'{what}: HELLO magic {magic:#x} is not "SSIM"')
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f'{what}: the peer speaks protocol version {version}; this adapter speaks {PROTOCOL_VERSION}')
    return flags


class FrameReader:
    """Cuts a byte stream into (kind, body) frames, keeping a partial one for later."""

    def __init__(self, what):
        self.what = what
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        frames = []
        off = 0
        while len(self.buf) - off >= 8:
            length, kind = HEADER.unpack_from(self.buf, off)
            if length > MAX_FRAME_BODY or kind not in (FRAME_RECORDS, FRAME_JSON):
                raise ProtocolError(f'{self.what}: a malformed frame header (length {length}, kind {kind})')
            if len(self.buf) - off < 8 + length:
                break
            frames.append((kind, bytes(self.buf[off + 8:off + 8 + length])))
            off += 8 + length
        del self.buf[:off]
        return frames


def pad8(n):
    return (n + 7) & ~7


class RecordWriter:
    """Builds one records frame; the channel sends it when it flushes."""

    def __init__(self):
        self.parts = []
        self.size = 0
        self.shapes = {}

    def num(self, link, time, order, num):
        self._add(NUM.pack(T_NUM, link, time, order, num))

    def sync(self, promise):
        self._add(SYNC.pack(T_SYNC, 0, promise))

    def hello(self, needs_promises):
        self._add(hello(needs_promises))

    def ref(self, link, time, order, num, ref):
        """A flat record if ref is a dict of numbers only, else msgpack."""
        if isinstance(ref, dict) and 0 < len(ref) <= 64 and all(type(v) in (int, float) for v in ref.values()):
            keys = tuple(ref)
            shape = self.shapes.get(keys)
            if shape is None:
                shape = self.shapes[keys] = len(self.shapes)
                text = json.dumps(list(keys)).encode()
                self._add(struct.pack('<ii24x', T_SHAPE | len(text) << 8, shape) + text + bytes(pad8(len(text)) - len(text)))
            fields = struct.pack(f'<{len(keys)}d', *ref.values())
            self._add(NUM.pack(T_FLAT | shape << 8, link, time, order, num) + fields)
        else:
            payload = minipack.pack(ref)
            self._add(NUM.pack(T_REF | len(payload) << 8, link, time, order, num) + payload + bytes(pad8(len(payload)) - len(payload)))

    def _add(self, b):
        self.parts.append(b)
        self.size += len(b)

    def take(self):
        """The frame of everything written (None if nothing), and a fresh start."""
        if not self.parts:
            return None
        body = b''.join(self.parts)
        self.parts = []
        self.size = 0
        return frame(body)


def read_records(body, shapes, what):
    """Yields every record of a frame body, as read_record returns them."""
    off = 0
    while off < len(body):
        rec, size = read_record(body, off, shapes, what)
        off += size
        if rec is not None:
            yield rec


def read_record(body, off, shapes, what):
    """The record at `off` and its size: ('num', link, time, order, num, ref), ('sync', promise),
    ('hello', flags), or None for a SHAPE (remembered in `shapes`)."""
    end = len(body)
    if end - off < 8:
        raise ProtocolError(f'{what}: a record runs past the end of its frame')
    word, link = struct.unpack_from('<ii', body, off)
    kind = word & 0xFF
    if kind == T_NUM:
        size = 32
    elif kind in (T_SYNC, T_HELLO):
        size = 16
    elif kind in (T_REF, T_SHAPE):
        size = 32 + pad8(word >> 8)
    elif kind == T_FLAT:
        if (word >> 8) not in shapes:
            raise ProtocolError(f'{what}: a flat record of shape {word >> 8}, never announced')
        size = 32 + 8 * len(shapes[word >> 8])
    else:
        raise ProtocolError(f'{what}: unknown record type {kind}')
    if size > end - off:
        raise ProtocolError(f'{what}: a record of type {kind} runs past the end of its frame')
    if kind == T_SYNC:
        return ('sync', SYNC.unpack_from(body, off)[2]), size
    if kind == T_HELLO:
        return ('hello', check_hello(body[off:off + 16], what)), size
    if kind == T_SHAPE:
        shapes[link] = json.loads(body[off + 32:off + 32 + (word >> 8)])
        return None, size
    _, _, time, order, num = NUM.unpack_from(body, off)
    ref = None
    if kind == T_REF:
        ref = minipack.unpack(body[off + 32:off + 32 + (word >> 8)])
    elif kind == T_FLAT:
        keys = shapes[word >> 8]
        ref = dict(zip(keys, struct.unpack_from(f'<{len(keys)}d', body, off + 32)))
    return ('num', link, time, order, num, ref), size
