import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { refuseUpgrade, tokenProblem } from '@splitsim/channels';
import { parsePlan, type Plan } from '@splitsim/instantiation';
import { planCatalog } from './modules.ts';
import { runnerOf } from './remote-placement.ts';
import {
  CONTROL_PATH, decode, encode, HEARTBEAT_LOST_MS, MAX_CONTROL_MESSAGE, otherProtocol, RUNNER_PROTOCOL, toRunnerSchema, type FromRunner, type StartMessage, type ToRunner,
} from './runner-protocol.ts';
import { resolveOnRunner } from './runner-modules.ts';
import { RunnerRun, type RunnerContext } from './runner-run.ts';

export interface RunnerOptions {
  /** Address to bind; loopback unless told otherwise. */
  host: string;
  /** Port to bind; 0 for any (see the returned port). */
  port: number;
  token: string;
  /** The project whose model modules this runner serves (its package.json's directory). */
  project: string;
  /** Runs served at once; another coordinator is refused while this many run. */
  maxRuns: number;
  /** Ports channel listeners may take ([0]: any free one). */
  channelPorts: number[];
  /** Every refusal and every run's start and end, in words. */
  log: (line: string) => void;
  /** The version this runner reports. */
  version: string;
}

export interface Runner {
  port: number;
  close(): Promise<void>;
}

/** A coordinator that has said nothing this long after connecting is given up. */
const START_TIMEOUT_MS = 10_000;
/** Bad messages on one connection before it is closed. */
const MAX_ERRORS = 32;
/** Control connections open at once (authenticated or not yet). */
const MAX_CONNECTIONS = 64;

/**
 * `splitsim runner`: serves instances to coordinators that present the token. It checks every
 * connection's token before the WebSocket opens (constant time), every message against the
 * protocol's schemas, every plan with parsePlan, and the plan's model modules against its own
 * project; it refuses what does not fit with a logged reason and goes on serving. It never runs
 * code it receives: a plan names modules, and the runner imports only its own files.
 */
export async function startRunner(o: RunnerOptions): Promise<Runner> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CONTROL_MESSAGE, perMessageDeflate: false });
  const runs = new Set<RunnerRun>();
  /** Runs being checked (modules importing): they count against --max-runs too. */
  let pending = 0;
  let refused = 0;
  let connections = 0;
  const ctx: RunnerContext = { host: o.host, channelPorts: o.channelPorts, token: o.token, log: o.log };
  const refuse = (who: string, why: string) => {
    refused++;
    o.log(`refused ${who}: ${why}`);
  };

  const server = createServer((req, res) => {
    // A plain GET of /healthz says the runner is up (for orchestrators' probes); it tells nothing else.
    if (req.method === 'GET' && req.url === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    else res.writeHead(426, { connection: 'close' }).end();
  });
  server.headersTimeout = 5000;
  server.requestTimeout = 10_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    refuse(`a connection from ${peerOf(socket)}`, `not HTTP (${err.code ?? err.message})`);
    socket.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const who = `a connection from ${peerOf(socket)}`;
    const deny = (status: number, why: string) => {
      refuse(who, why);
      refuseUpgrade(socket, status, why);
    };
    const problem = tokenProblem(req.headers.authorization, o.token);
    if (problem !== null) return deny(401, problem);
    if (req.url !== CONTROL_PATH) return deny(404, `no such path ${String(req.url).slice(0, 80)} (coordinators connect on ${CONTROL_PATH})`);
    if (connections >= MAX_CONNECTIONS) return deny(503, `${MAX_CONNECTIONS} connections are open already`);
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, peerOf(socket)));
  });

  function serve(ws: WebSocket, peer: string): void {
    connections++;
    const who = `coordinator ${peer}`;
    let run: RunnerRun | null = null;
    let starting = false;
    let errors = 0;
    let lastSeen = performance.now();
    let lostAfter = HEARTBEAT_LOST_MS;
    const send = (m: FromRunner) => {
      if (ws.readyState === ws.OPEN) ws.send(encode(m), { binary: true });
    };
    const error = (why: string) => {
      refuse(`a message from ${who}`, why);
      send({ t: 'error', reason: why });
      if (++errors >= MAX_ERRORS) {
        o.log(`closing the connection of ${who}: ${errors} bad messages`);
        ws.close(1008, 'too many bad messages');
      }
    };
    /** Refuses the run this connection would start, and closes it. */
    const noRun = (what: string, code: string, reason: string) => {
      refuse(what, reason);
      send({ t: 'refused', code, reason });
      ws.close(1000, 'refused');
    };
    const startTimer = setTimeout(() => {
      if (run === null && !starting) {
        o.log(`closing the connection of ${who}: no run started within ${START_TIMEOUT_MS / 1000} s`);
        ws.close(1008, 'no start');
      }
    }, START_TIMEOUT_MS);
    // The coordinator pings; a run whose coordinator falls silent is ended.
    const heartbeat = setInterval(() => {
      if (run !== null && performance.now() - lastSeen > lostAfter) {
        o.log(`${who} lost: no heartbeat for ${((performance.now() - lastSeen) / 1000).toFixed(1)} s; ending its run's instances`);
        ws.terminate();
      }
    }, HEARTBEAT_LOST_MS / 4);
    ws.on('ping', () => (lastSeen = performance.now()));
    ws.on('error', (err) => refuse(`the connection of ${who}`, err.message));
    ws.on('close', () => {
      connections--;
      clearTimeout(startTimer);
      clearInterval(heartbeat);
      if (run !== null && run.active > 0) {
        o.log(`${who} went away during run ${runName}: aborting its ${run.active} instance(s)`);
        run.abandon();
      }
    });
    let runName = '';
    ws.on('message', (data, isBinary) => {
      lastSeen = performance.now();
      if (!isBinary) return error('a text message (control messages are binary msgpack)');
      let raw: unknown;
      try {
        // ws gives a Buffer (binaryType nodebuffer); Buffer.from of a Buffer would copy every message.
        raw = decode(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
      } catch (err) {
        return error(`not msgpack: ${(err as Error).message.split('\n')[0]}`);
      }
      const other = otherProtocol(raw);
      if (other !== null && run === null && !starting) {
        return noRun(`a start of ${who}`, 'E_PROTOCOL', `it speaks runner protocol ${other}; this runner speaks ${RUNNER_PROTOCOL}`);
      }
      const parsed = toRunnerSchema.safeParse(raw);
      if (!parsed.success) return error(`not a control message: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
      const m: ToRunner = parsed.data;
      switch (m.t) {
        case 'status': {
          // Started with --expose-gc (tests of memory under fuzzing), the figures follow a collection.
          (globalThis as { gc?: () => void }).gc?.();
          const mem = process.memoryUsage();
          let instances = 0;
          for (const r of runs) instances += r.active;
          send({ t: 'status', runs: runs.size, instances, rssBytes: mem.rss, heapBytes: mem.heapUsed, refused });
          return;
        }
        case 'start':
          if (run !== null || starting) return error('a second start on one connection (one run per connection)');
          starting = true;
          runName = m.run;
          lostAfter = m.lostAfterMs;
          void begin(m).finally(() => (starting = false));
          return;
        case 'command':
          if (run === null) return error(`a ${m.command.op} command before the run started`);
          if (!run.command(m.instance, m.command)) error(`a command for instance ${m.instance}, which this runner does not run`);
          return;
        case 'kill':
          if (run === null) return error('a kill before the run started');
          if (!run.kill(m.instance)) error(`a kill for instance ${m.instance}, which this runner does not run`);
          return;
      }
    });

    async function begin(m: StartMessage): Promise<void> {
      const no = (code: string, reason: string) => noRun(`run ${m.run} of ${who}`, code, reason);
      if (runs.size + pending >= o.maxRuns) return no('E_RUNNER', `busy: serving ${runs.size + pending} run(s), at most ${o.maxRuns} at once (--max-runs)`);
      let built: RunnerRun;
      let plan: Plan;
      pending++;
      try {
        plan = parsePlan(m.plan, `plan of run ${m.run}`);
        if (m.where.length !== plan.instances.length) return no('E_PROTOCOL', `where names ${m.where.length} runners for ${plan.instances.length} instances`);
        const placed = runnerOf(plan);
        if (placed.some((r, i) => r !== m.where[i])) return no('E_PROTOCOL', 'where disagrees with the plan\'s placements');
        if (!m.where.includes(m.runner)) return no('E_PROTOCOL', `the plan places no instance on runner ${m.runner}`);
        const local = resolveOnRunner(plan, m.modules, o.project);
        // Imports this project's modules and checks every model the plan names is there.
        await planCatalog(local);
        if (ws.readyState !== ws.OPEN) return;
        built = new RunnerRun(ctx, m, local, send, () => {
          runs.delete(built);
          o.log(`run ${m.run} of ${who}: ended`);
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return no(typeof code === 'string' ? code : 'E_CONFIG', (err as Error).message);
      } finally {
        pending--;
      }
      runs.add(built);
      run = built;
      send({ t: 'accepted', runner: m.runner, pid: process.pid, instances: built.instances, version: o.version });
      o.log(`run ${m.run} of ${who}: instances ${built.instances.map((i) => plan.instances[i]!.name).join(', ')} as runner ${m.runner}`);
      await built.begin();
    }
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: o.host, port: o.port }, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : o.port);
    });
  });
  o.log(`listening on ${o.host}:${port} (project ${o.project}, at most ${o.maxRuns} run(s) at once)`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of runs) r.abandon();
        for (const ws of wss.clients) ws.terminate();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function peerOf(socket: Duplex): string {
  const s = socket as Duplex & { remoteAddress?: string; remotePort?: number };
  return `${s.remoteAddress ?? '?'}:${s.remotePort ?? '?'}`;
}
