/**
 * `npm run bench -- channel --remote`: the channel between instances on different runners, a
 * WebSocket carrying socket frames (packages/channels/src/ws-transport.ts), measured like the
 * process transport: one-way messages per second (remoteMsgsPerSec) and a sync message there and
 * one back (remoteRoundTripUs), between two child processes over loopback; and, where this runs
 * as root and `ip netns` works, the same between two network namespaces joined through a hub by
 * veth pairs (remoteVethMsgsPerSec, remoteVethRoundTripUs; test/support/netns.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connectWsChannel, listenWsChannel, SocketChannelEnd, type ByteStream } from '@splitsim/channels';
import { testNet, type TestNet } from '../test/support/netns.ts';
import { bestOf } from './best-of.ts';
import { Counter, endOptions, LOOKAHEAD, play } from './channel-roles.ts';

const SELF = fileURLToPath(import.meta.url);
const PATH = '/bench';
const PORT = 7399;

interface RemoteRole {
  role: 'send' | 'recv' | 'ping' | 'pong';
  n: number;
  listen: boolean;
  host: string;
  token: string;
}

const tick = () => new Promise((r) => setImmediate(r));

/** One end, in a child process: listen (and say so) or connect, HELLO, then play the role. */
async function remotePeer(r: RemoteRole, send: (m: unknown) => void): Promise<void> {
  let socket: ByteStream;
  if (r.listen) {
    const l = await listenWsChannel({ host: r.host, ports: [PORT], path: PATH, token: r.token });
    send('listening');
    socket = await l.accepted;
  } else socket = await connectWsChannel(`ws://${r.host}:${PORT}${PATH}`, r.token);
  const inbox = new Counter();
  const end = new SocketChannelEnd({ ...endOptions(inbox), socket, onInput: () => {}, onLost: () => {} });
  end.hello(true);
  while (end.promise < LOOKAHEAD) if (end.poll() === 0) await tick();
  send(await play(r, end, inbox));
}

/** Both ends: the listener in namespace 0 (or here), the connector in namespace 1. */
async function pair(net: TestNet | null, a: Omit<RemoteRole, 'listen' | 'host' | 'token'>, b: typeof a): Promise<[number, number]> {
  const token = randomBytes(16).toString('hex');
  const host = net ? net.hosts[0]! : '127.0.0.1';
  const start = (k: number, role: RemoteRole) => {
    const argv = [process.execPath, '--import', 'tsx', SELF];
    const full = net ? net.wrap(k, argv) : argv;
    const c = spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, SPLITSIM_BENCH_REMOTE_ROLE: JSON.stringify(role) } });
    const messages: unknown[] = [];
    const waiters: Array<() => void> = [];
    c.on('message', (m) => (messages.push(m), waiters.splice(0).forEach((w) => w())));
    const next = async (): Promise<unknown> => {
      while (messages.length === 0) await new Promise<void>((res, rej) => (waiters.push(res), c.once('exit', (code) => rej(new Error(`bench peer exited (${code})`)))));
      return messages.shift();
    };
    return { next, kill: () => c.kill() };
  };
  const pa = start(0, { ...a, listen: true, host, token });
  await pa.next(); // listening
  const pb = start(1, { ...b, listen: false, host, token });
  try {
    return [(await pa.next()) as number, (await pb.next()) as number];
  } finally {
    pa.kill();
    pb.kill();
  }
}

export interface RemoteOptions {
  rounds: number;
  messages: number;
  roundtrips: number;
  veth: boolean;
}

export async function remoteFigures(o: RemoteOptions): Promise<Record<string, number | string>> {
  const best = (f: () => Promise<number>, want: 'highest' | 'lowest') => bestOf(o.rounds, f, want);
  const measure = async (net: TestNet | null) => ({
    msgs: await best(async () => {
      const [t0, t1] = await pair(net, { role: 'send', n: o.messages }, { role: 'recv', n: o.messages });
      return o.messages / ((t1 - t0) / 1000);
    }, 'highest'),
    rtt: await best(async () => (await pair(net, { role: 'ping', n: o.roundtrips }, { role: 'pong', n: o.roundtrips }))[0] * 1000, 'lowest'),
  });
  const lo = await measure(null);
  const out: Record<string, number | string> = { remoteMsgsPerSec: lo.msgs, remoteRoundTripUs: lo.rtt };
  if (o.veth) {
    const net = await testNet(2);
    try {
      if (net.mode === 'netns') {
        const v = await measure(net);
        out.remoteVethMsgsPerSec = v.msgs;
        out.remoteVethRoundTripUs = v.rtt;
      } else out.remoteVeth = `not measured: ${net.why}`;
    } finally {
      net.close();
    }
  }
  return out;
}

// As a child process: play one end and report.
if (process.env.SPLITSIM_BENCH_REMOTE_ROLE && process.send) {
  await remotePeer(JSON.parse(process.env.SPLITSIM_BENCH_REMOTE_ROLE) as RemoteRole, (m) => process.send!(m));
}
