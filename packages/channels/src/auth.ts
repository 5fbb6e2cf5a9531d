import { createHash, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';

/**
 * The shared secret of a coordinator and its runners. A peer presents it as
 * `Authorization: Bearer <token>` when it opens a WebSocket (a control connection or a channel).
 */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Constant-time comparison of a presented token with the expected one. Both are hashed first, so
 * the comparison takes the same time whatever the presented token's length (timingSafeEqual
 * itself needs equal lengths and would leak the length by refusing early).
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearer(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (h === undefined) return undefined;
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(h);
  return m ? m[1] : undefined;
}

/** Why a connection's token is refused, in words for the log; null if it is the right one. */
export function tokenProblem(header: string | string[] | undefined, expected: string): string | null {
  if (header === undefined) return 'no token (no Authorization header)';
  const token = bearer(header);
  if (token === undefined) return 'a malformed Authorization header (expected "Bearer <token>")';
  return tokenMatches(token, expected) ? null : 'a wrong token';
}

/** Refuses a WebSocket upgrade: the HTTP status, the reason as its text (printable ASCII only), and the socket ended. */
export function refuseUpgrade(socket: Duplex, status: number, why: string): void {
  socket.end(`HTTP/1.1 ${status} ${why.replace(/[^\x20-\x7e]/g, '?')}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
