import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SplitSimError } from '@splitsim/kernel';
import { refuseUpgrade, tokenProblem } from './auth.ts';
import { MAX_FRAME_BODY, type ByteStream } from './socket-transport.ts';

/**
 * Channels between instances on different runners: one WebSocket per channel, each binary
 * message one socket frame (8-byte header and a body of records, socket-transport.ts), read by
 * the same bounds-checked frame reader. The end named to listen opens a WebSocket server on its
 * runner's address (an ephemeral port unless a range is given) before its instance reports
 * ready; the other end connects once the coordinator has told it where. Both present the run's
 * token; the listener takes the first connection on the channel's path that presents it and
 * refuses (and logs) every other.
 */

/** Largest WebSocket message a channel end accepts: one frame of the largest body. */
export const MAX_WS_MESSAGE = MAX_FRAME_BODY + 8;

/**
 * Client frames are masked by the WebSocket protocol so that a browser's traffic cannot poison
 * an intermediary's cache; between two runners nothing is a browser, and a zero mask lets ws skip
 * the XOR over every byte we send.
 */
const zeroMask = (mask: Buffer) => mask.fill(0);

/** Send options of every frame, made once (ws copies them; it never changes them). */
const BINARY = { binary: true } as const;

/**
 * A WebSocket as the byte stream a channel end reads and writes; each message is one frame.
 * What arrives before the channel end listens is kept for it (a peer may say HELLO before this
 * instance has even been told to connect), as a paused socket would keep it.
 */
export function wsStream(ws: WebSocket): ByteStream {
  const listeners = { data: [] as Array<(b: Buffer) => void>, error: [] as Array<(e: Error) => void>, close: [] as Array<() => void> };
  const early: Buffer[] = [];
  let earlyError: Error | null = null;
  let closed = false;
  const fail = (err: Error) => {
    if (listeners.error.length === 0) earlyError ??= err;
    for (const f of listeners.error) f(err);
  };
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      fail(new Error('a text message on a channel (channels carry binary frames only)'));
      ws.terminate();
      return;
    }
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (listeners.data.length === 0) early.push(chunk);
    else for (const f of listeners.data) f(chunk);
  });
  ws.on('error', fail);
  ws.on('close', () => {
    closed = true;
    listeners.close.forEach((f) => f());
  });
  return {
    write: (frame: Buffer) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame, BINARY);
    },
    destroy: () => ws.terminate(),
    on: ((event: 'data' | 'error' | 'close', listener: (x?: unknown) => void) => {
      (listeners[event] as unknown[]).push(listener);
      if (event === 'data') early.splice(0).forEach((c) => listener(c));
      if (event === 'error' && earlyError !== null) listener(earlyError);
      if (event === 'close' && closed) listener();
    }) as ByteStream['on'],
  };
}

export interface WsListenOptions {
  /** Address to bind (the runner's own). */
  host: string;
  /** Ports to try in order; [0] for any free one. */
  ports: readonly number[];
  /** The one URL path a peer may connect on. */
  path: string;
  token: string;
  /** A refused connection, in words (who and why). */
  log?: (line: string) => void;
}

export interface WsListener {
  port: number;
  /** The channel's connection, once a peer presenting the token has connected on the path. */
  accepted: Promise<ByteStream>;
  close(): void;
}

/** Listens for the one peer of a channel. */
export async function listenWsChannel(o: WsListenOptions): Promise<WsListener> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE, perMessageDeflate: false });
  let accept!: (s: ByteStream) => void;
  const accepted = new Promise<ByteStream>((res) => (accept = res));
  let taken = false;
  const server = createServer((_req, res) => {
    res.writeHead(426, { connection: 'close' }).end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const who = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const refuse = (status: number, why: string) => {
      o.log?.(`refused a channel connection from ${who} on ${req.url}: ${why}`);
      refuseUpgrade(socket, status, why);
    };
    const problem = tokenProblem(req.headers.authorization, o.token);
    if (problem !== null) return refuse(401, problem);
    if (req.url !== o.path) return refuse(404, `no such channel (this end listens on ${o.path})`);
    if (taken) return refuse(409, 'the channel is already connected');
    taken = true;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.binaryType = 'nodebuffer';
      accept(wsStream(ws));
      // The one connection stays; nobody else may connect.
      server.close();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const port = await bindFirst(server, o.host, o.ports);
  return {
    port,
    accepted,
    close: () => {
      server.close();
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections?.();
    },
  };
}

function bindFirst(server: Server, host: string, ports: readonly number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let i = 0;
    const next = () => {
      if (i >= ports.length) return reject(new SplitSimError('E_CHANNEL', `cannot listen for a channel on ${host}: ports ${ports.join(', ')} are all taken`, { host }));
      const port = ports[i++]!;
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' && i < ports.length) next();
        else reject(new SplitSimError('E_CHANNEL', `cannot listen for a channel on ${host}:${port}: ${err.message}`, { host, port }));
      });
      server.listen({ host, port }, () => {
        server.removeAllListeners('error');
        server.on('error', () => {});
        const a = server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    };
    next();
  });
}

/** Connects to the listening end of a channel at `url`, presenting the token. */
export function connectWsChannel(url: string, token: string): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      maxPayload: MAX_WS_MESSAGE,
      generateMask: zeroMask,
      handshakeTimeout: 10_000,
    });
    ws.binaryType = 'nodebuffer';
    const fail = (why: string) => reject(new SplitSimError('E_CHANNEL', `cannot connect to channel ${url}: ${why}`, { url }));
    ws.once('open', () => {
      ws.off('error', onError);
      resolve(wsStream(ws));
    });
    const onError = (err: Error) => fail(err.message);
    ws.once('error', onError);
    ws.once('unexpected-response', (_req, res) => {
      fail(`refused: ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
      ws.terminate();
    });
  });
}
