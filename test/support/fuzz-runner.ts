/**
 * Fuzzed input for a runner's port (test/runner-security.test.ts): raw bytes that are not HTTP,
 * truncated handshakes, and over authenticated control connections random binary messages,
 * text messages, msgpack of the wrong shape, oversized and truncated WebSocket frames, and valid
 * messages out of order. Deterministic (a seeded generator), so a failure replays.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { CONTROL_PATH } from '@splitsim/runtime';
import { encode } from '../../packages/runtime/src/runner-protocol.ts';

/** xorshift32: the same frames every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

function bytes(r: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

export interface FuzzCounts {
  /** Raw TCP connections of non-HTTP bytes, and truncated handshakes. */
  raw: number;
  /** Messages over authenticated connections that the runner must refuse (one refusal each). */
  refusable: number;
  /** Oversized or truncated WebSocket frames (each ends its connection). */
  broken: number;
  /** Valid messages (status), answered. */
  valid: number;
}

function rawConnection(host: string, port: number, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host, port }, () => {
      s.write(data);
      s.end();
    });
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.setTimeout(10_000, () => s.destroy());
    s.resume();
  });
}

/** One authenticated control connection; sends `messages` (each binary, or text if a string) and waits for the runner's answers. */
function controlConnection(address: string, token: string, messages: Array<Buffer | string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${address}${CONTROL_PATH}`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    let answers = 0;
    ws.on('open', () => {
      for (const m of messages) ws.send(m, { binary: typeof m !== 'string' });
    });
    ws.on('message', () => {
      if (++answers === messages.length) ws.close();
    });
    ws.on('error', () => {});
    ws.on('close', () => resolve(answers));
    setTimeout(() => ws.terminate(), 20_000).unref();
  });
}

/** A raw WebSocket frame header announcing `length` payload bytes (masked, binary), then `send` bytes of it. */
function rawWsFrames(host: string, port: number, token: string, frame: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => {
      const key = randomBytes(16).toString('base64');
      s.write(`GET ${CONTROL_PATH} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    });
    let upgraded = false;
    s.on('data', (d) => {
      if (!upgraded && d.toString('latin1').startsWith('HTTP/1.1 101')) {
        upgraded = true;
        s.write(frame);
        // A truncated frame: we stop here and leave.
        setTimeout(() => s.end(), 50);
      }
    });
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.setTimeout(10_000, () => s.destroy());
  });
}

function frameHeader(length: number): Buffer {
  // FIN + binary, MASK bit + 127 (64-bit length), the length, a zero mask.
  const h = Buffer.alloc(2 + 8 + 4);
  h[0] = 0x82;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** Out-of-protocol and malformed messages, about `total` of them in all; returns what was sent. */
export async function fuzzRunner(host: string, port: number, token: string, total: number, seed = 16): Promise<FuzzCounts> {
  const r = rng(seed);
  const address = `${host}:${port}`;
  const counts: FuzzCounts = { raw: 0, refusable: 0, broken: 0, valid: 0 };
  const pool: Array<Promise<unknown>> = [];
  const PARALLEL = 8;
  const queue = async (p: () => Promise<unknown>) => {
    pool.push(p());
    if (pool.length >= PARALLEL) await Promise.all(pool.splice(0));
  };
  const generators: Array<() => Buffer | string> = [
    () => bytes(r, 1 + Math.floor(r() * 300)),
    () => 'hello ' + bytes(r, 20).toString('hex'),
    () => encode([1, 2, 3]) as Buffer,
    () => encode({ t: 'bogus', x: r() }),
    () => encode({ t: 'command', instance: 0, command: { op: 'go' } }),
    () => encode({ t: 'kill', instance: Math.floor(r() * 5) }),
    () => encode({ t: 'command', instance: -1, command: { op: 'end', reason: 'later', now: 'x' } }),
    () => encode({ t: 'start' }),
    () => Buffer.from([0xc1]),
    () => encode({ t: 'status', extra: true }),
  ];
  // Raw connections and broken frames are one unit each; messages come 31 to a connection
  // (the runner closes a connection after 32 bad messages), with a valid status last.
  while (counts.raw + counts.refusable + counts.broken + counts.valid < total) {
    const kind = r();
    if (kind < 0.4) {
      counts.raw++;
      const junk = r() < 0.5 ? bytes(r, 1 + Math.floor(r() * 2000)) : Buffer.from(`GET ${CONTROL_PATH} HTTP/1.1\r\nHost: x\r\nUpgr`);
      await queue(() => rawConnection(host, port, junk));
    } else if (kind < 0.55) {
      counts.broken++;
      // Oversized: a frame announcing 1 GiB; truncated: a header promising more than follows.
      const frame = r() < 0.5 ? frameHeader(1 << 30) : Buffer.concat([frameHeader(1000), bytes(r, 10)]);
      await queue(() => rawWsFrames(host, port, token, frame));
    } else {
      const messages: Array<Buffer | string> = [];
      for (let i = 0; i < 30; i++) messages.push(generators[Math.floor(r() * generators.length)]!());
      counts.refusable += messages.length;
      messages.push(encode({ t: 'status' }));
      counts.valid++;
      await queue(() => controlConnection(address, token, messages));
    }
  }
  await Promise.all(pool);
  return counts;
}
