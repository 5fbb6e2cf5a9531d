"""The part of msgpack that message references use (nil, booleans, numbers, strings, binary,
arrays, maps), for REF records. Our runtime encodes with msgpackr (useRecords off): plain
msgpack, which this reads; what this writes, msgpackr reads. Floats go out as float64, so a
number crosses bit for bit."""
import struct


def pack(v):
    out = bytearray()
    _pack(v, out)
    return bytes(out)


def _pack(v, out):
    if v is None:
        out += b'\xc0'
    elif v is True or v is False:
        out += b'\xc3' if v else b'\xc2'
    elif isinstance(v, int) and -(1 << 63) <= v < (1 << 64):
        if 0 <= v < 128:
            out.append(v)
        elif -32 <= v < 0:
            out.append(v & 0xFF)
        elif v >= 0:
            out += b'\xcf' + struct.pack('>Q', v)
        else:
            out += b'\xd3' + struct.pack('>q', v)
    elif isinstance(v, (int, float)):
        out += b'\xcb' + struct.pack('>d', float(v))
    elif isinstance(v, str):
        b = v.encode()
        out += (bytes([0xA0 | len(b)]) if len(b) < 32 else b'\xdb' + struct.pack('>I', len(b))) + b
    elif isinstance(v, (bytes, bytearray)):
        out += b'\xc6' + struct.pack('>I', len(v)) + v
    elif isinstance(v, (list, tuple)):
        out += b'\xdd' + struct.pack('>I', len(v))
        for x in v:
            _pack(x, out)
    elif isinstance(v, dict):
        out += b'\xdf' + struct.pack('>I', len(v))
        for k, x in v.items():
            _pack(k, out)
            _pack(x, out)
    else:
        raise TypeError(f'cannot encode {type(v).__name__} as msgpack')


def unpack(b):
    v, off = _unpack(memoryview(b), 0)
    if off != len(b):
        raise ValueError(f'{len(b) - off} bytes after the msgpack value')
    return v


_FIXED = {0xCA: ('>f', 4), 0xCB: ('>d', 8), 0xCC: ('>B', 1), 0xCD: ('>H', 2), 0xCE: ('>I', 4), 0xCF: ('>Q', 8),
          0xD0: ('>b', 1), 0xD1: ('>h', 2), 0xD2: ('>i', 4), 0xD3: ('>q', 8)}
_LEN = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4, 0xDC: 2, 0xDD: 4, 0xDE: 2, 0xDF: 4}


def _unpack(b, off):
    t = b[off]
    off += 1
    if t < 0x80:
        return t, off
    if t >= 0xE0:
        return t - 256, off
    if 0x80 <= t <= 0x8F or 0x90 <= t <= 0x9F or 0xA0 <= t <= 0xBF:
        n = t & (0x1F if t >= 0xA0 else 0x0F)
        kind = 'str' if t >= 0xA0 else 'array' if t >= 0x90 else 'map'
    elif t == 0xC0:
        return None, off
    elif t in (0xC2, 0xC3):
        return t == 0xC3, off
    elif t in _FIXED:
        fmt, size = _FIXED[t]
        return struct.unpack_from(fmt, b, off)[0], off + size
    elif t in _LEN:
        size = _LEN[t]
        n = int.from_bytes(b[off:off + size], 'big')
        off += size
        kind = 'bin' if t <= 0xC6 else 'str' if t <= 0xDB else 'array' if t <= 0xDD else 'map'
    else:
        raise ValueError(f'msgpack type byte {t:#x} is not supported')
    if kind == 'str':
        return bytes(b[off:off + n]).decode(), off + n
    if kind == 'bin':
        return bytes(b[off:off + n]), off + n
    if kind == 'array':
        out = []
        for _ in range(n):
            v, off = _unpack(b, off)
            out.append(v)
        return out, off
    out = {}
    for _ in range(n):
        k, off = _unpack(b, off)
        v, off = _unpack(b, off)
        out[k] = v
    return out, off
