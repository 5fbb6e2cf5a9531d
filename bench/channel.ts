/**
 * `npm run bench -- channel [--messages 20000000] [--roundtrips 200000] [--process-messages 2000000] [--remote] [--json]`
 *
 * Channel throughput and sync latency, through the channel ends the runtime uses:
 * - threadMsgsPerSec: one-way fixed-layout messages (RingChannelEnd.send → poll → inbox) between
 *   two worker threads; bareRingMsgsPerSec: the same bytes through a bare SharedArrayBuffer ring
 *   (field stores, one atomic publish per 64), the ceiling the channel layer is measured against;
 * - threadRoundTripUs: a sync message there and one back, both ends spinning (threadRoundTripUsProfiled:
 *   the same with rx/tx/sync timed into the counters, as in a run with --profile);
 * - processMsgsPerSec, processRoundTripUs: the same between two child processes over a
 *   Unix-domain socket (SocketChannelEnd, batched frames), the receiver woken by the event loop.
 * With --external, the same against the reference adapters in C and Python
 * (bench/channel-external.ts): externalCMsgsPerSec, externalCRoundTripUs,
 * externalPythonMsgsPerSec, externalPythonRoundTripUs. With --remote (or --only-remote), the
 * WebSocket channel between runners (bench/channel-remote.ts): remoteMsgsPerSec,
 * remoteRoundTripUs, and over veth pairs where network namespaces work (--no-veth skips them).
 * Each figure is the best of --rounds runs.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { connectChannel, createRing, Doorbell, listenChannel, RingChannelEnd, SocketChannelEnd, type ChannelEnd } from '@splitsim/channels';
import { benchArgs } from './args.ts';
import { bestOf } from './best-of.ts';
import { Counter, endOptions, LOOKAHEAD, play, wall } from './channel-roles.ts';
import { externalFigures } from './channel-external.ts';

const SELF = fileURLToPath(import.meta.url);

interface Role {
  role: 'send' | 'recv' | 'bare-send' | 'bare-recv' | 'ping' | 'pong';
  n: number;
  out?: SharedArrayBuffer;
  in?: SharedArrayBuffer;
  /** Start flag and result slots shared by the two threads. */
  shared?: SharedArrayBuffer;
  socket?: string;
  listen?: boolean;
  /** Time rx/tx/sync into the counters, as in a profiled run. */
  timed?: boolean;
}

/** A bare SPSC ring: the same 32-byte records, no channel layer. */
function bare(r: Role): number {
  const sab = (r.role === 'bare-send' ? r.out : r.in)!;
  const cap = sab.byteLength - 128;
  const ctl = new Int32Array(sab, 0, 32);
  const f64 = new Float64Array(sab, 128, cap >> 3);
  const i32 = new Int32Array(sab, 128, cap >> 2);
  const mask = cap - 1;
  if (r.role === 'bare-send') {
    const t0 = wall();
    let w = 0;
    let seen = 0;
    for (let i = 0; i < r.n; i++) {
      while (((w - seen) | 0) + 32 > cap) seen = Atomics.load(ctl, 16);
      const off = w & mask;
      i32[off >> 2] = 2;
      i32[(off >> 2) + 1] = 0;
      f64[(off >> 3) + 1] = i;
      f64[(off >> 3) + 2] = i;
      f64[(off >> 3) + 3] = i;
      w = (w + 32) | 0;
      if ((i & 63) === 63) Atomics.store(ctl, 0, w);
    }
    Atomics.store(ctl, 0, w);
    return t0;
  }
  let pos = 0;
  let got = 0;
  let sum = 0;
  while (got < r.n) {
    const end = Atomics.load(ctl, 0);
    while (pos !== end) {
      const off = pos & mask;
      if (i32[off >> 2] === 2) sum += f64[(off >> 3) + 3]!;
      pos = (pos + 32) | 0;
      got++;
    }
    Atomics.store(ctl, 16, pos);
  }
  if (sum < 0) throw new Error('unreachable');
  return wall();
}

/** Entry of a worker thread or child process playing one role. */
async function peer(r: Role, report: (v: number) => void): Promise<void> {
  const inbox = new Counter();
  if (r.role.startsWith('bare')) {
    if (r.shared) while (Atomics.load(new Int32Array(r.shared), 0) === 0);
    report(bare(r));
    return;
  }
  let end: ChannelEnd;
  if (r.socket) {
    const socket = r.listen ? await (await listenChannel(r.socket)).accepted : await connectChannel(r.socket);
    end = new SocketChannelEnd({ ...endOptions(inbox), socket, onInput: () => {}, onLost: () => {} });
  } else {
    const bell = new Doorbell(new Int32Array(new SharedArrayBuffer(64)), 0);
    end = new RingChannelEnd({ ...endOptions(inbox), out: r.out!, in: r.in!, peerBell: bell, whileFull: () => {} });
  }
  end.timing = r.timed ?? false;
  end.hello(true);
  while (end.promise < LOOKAHEAD) end.poll();
  // Both ends up: wait for the start signal (threads) so the timing excludes start-up.
  if (r.shared) while (Atomics.load(new Int32Array(r.shared), 0) === 0);
  report(await play(r, end, inbox));
  if (!r.socket) end.close();
}

/** A prebuilt bundle of this file (for machines without tsx), else this file through tsx. */
const PEER = process.env.SPLITSIM_BENCH_PEER;

function thread(role: Role): { result: Promise<number> } {
  const w = PEER
    ? new Worker(PEER, { workerData: role })
    : new Worker(`import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(SELF)});`, { eval: true, workerData: role });
  return { result: new Promise((resolve, reject) => (w.once('message', resolve), w.once('error', reject))) };
}

function child(role: Role): { result: Promise<number>; kill: () => void } {
  const c = fork(PEER ?? SELF, [], { execArgv: PEER ? [] : ['--import', 'tsx'], env: { ...process.env, SPLITSIM_BENCH_ROLE: JSON.stringify(role) } });
  return { result: new Promise((resolve, reject) => (c.once('message', (m) => resolve(m as number)), c.once('error', reject))), kill: () => c.kill() };
}

async function threadPair(a: Role, b: Role): Promise<[number, number]> {
  const shared = new SharedArrayBuffer(8);
  const ab = createRing(1 << 20);
  const ba = createRing(1 << 20);
  const ta = thread({ ...a, out: ab, in: ba, shared });
  const tb = thread({ ...b, out: ba, in: ab, shared });
  // Give both time to load and say hello, then start them together.
  await new Promise((r) => setTimeout(r, 1500));
  Atomics.store(new Int32Array(shared), 0, 1);
  return Promise.all([ta.result, tb.result]);
}

async function processPair(a: Role, b: Role): Promise<[number, number]> {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-bench-'));
  try {
    const socket = join(dir, 'c.sock');
    const pa = child({ ...a, socket, listen: true });
    await new Promise((r) => setTimeout(r, 1500));
    const pb = child({ ...b, socket, listen: false });
    // The sender stays up until the receiver has everything (its socket may still be writing).
    const results = await Promise.all([pa.result, pb.result]);
    pa.kill();
    pb.kill();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, {
    messages: 20_000_000, roundtrips: 200_000, 'process-messages': 2_000_000, 'process-roundtrips': 20_000, rounds: 3,
    external: false, 'only-external': false, 'python-messages': 500_000, 'python-roundtrips': 5_000,
    remote: false, 'only-remote': false, 'remote-messages': 1_000_000, 'remote-roundtrips': 10_000, 'no-veth': false,
  });
  const best = (f: () => Promise<number>, want: 'highest' | 'lowest') => bestOf(o.rounds, f, want);
  const rate = async (pair: typeof threadPair, send: Role['role'], recv: Role['role'], n: number) => {
    const [t0, t1] = await pair({ role: send, n }, { role: recv, n });
    return n / ((t1 - t0) / 1000);
  };
  const ext = o.external || o['only-external']
    ? await externalFigures({ rounds: o.rounds, cMessages: o['process-messages'], pythonMessages: o['python-messages'], cRoundtrips: o['process-roundtrips'], pythonRoundtrips: o['python-roundtrips'] })
    : null;
  if (o['only-external']) {
    report(ext!, o.json);
    return;
  }
  const remote = o.remote || o['only-remote']
    ? await (await import('./channel-remote.ts')).remoteFigures({ rounds: o.rounds, messages: o['remote-messages'], roundtrips: o['remote-roundtrips'], veth: !o['no-veth'] })
    : null;
  if (remote) {
    process.stderr.write(`channel --remote: WebSocket channel between two processes\n${Object.entries(remote).map(([k, v]) => `  ${k.padEnd(22)} ${typeof v === 'number' ? (v >= 1e5 ? (v / 1e6).toFixed(2) + ' M' : v.toFixed(1)) : v}`).join('\n')}\n`);
  }
  if (o['only-remote']) {
    if (o.json) process.stdout.write(JSON.stringify({ bench: 'channel', ...remote, remoteMessages: o['remote-messages'], remoteRoundtrips: o['remote-roundtrips'], rounds: o.rounds }) + '\n');
    return;
  }
  const r = {
    threadMsgsPerSec: await best(() => rate(threadPair, 'send', 'recv', o.messages), 'highest'),
    bareRingMsgsPerSec: await best(() => rate(threadPair, 'bare-send', 'bare-recv', o.messages), 'highest'),
    threadRoundTripUs: await best(async () => (await threadPair({ role: 'ping', n: o.roundtrips }, { role: 'pong', n: o.roundtrips }))[0] * 1000, 'lowest'),
    threadRoundTripUsProfiled: await best(async () => (await threadPair({ role: 'ping', n: o.roundtrips, timed: true }, { role: 'pong', n: o.roundtrips, timed: true }))[0] * 1000, 'lowest'),
    processMsgsPerSec: await best(() => rate(processPair, 'send', 'recv', o['process-messages']), 'highest'),
    processRoundTripUs: await best(async () => (await processPair({ role: 'ping', n: o['process-roundtrips'] }, { role: 'pong', n: o['process-roundtrips'] }))[0] * 1000, 'lowest'),
  };
  const line = (k: string, v: number, unit: string) => `  ${k.padEnd(20)} ${v >= 1e5 ? (v / 1e6).toFixed(1) + ' M' : v.toFixed(3)} ${unit}`;
  process.stderr.write(
    [
      'channel: one-way messages and sync round trips',
      line('threadMsgsPerSec', r.threadMsgsPerSec, 'msg/s'),
      line('bareRingMsgsPerSec', r.bareRingMsgsPerSec, 'msg/s'),
      line('threadRoundTripUs', r.threadRoundTripUs, 'µs'),
      line('  …profiled', r.threadRoundTripUsProfiled, 'µs (rx/sync timed)'),
      line('processMsgsPerSec', r.processMsgsPerSec, 'msg/s'),
      line('processRoundTripUs', r.processRoundTripUs, 'µs'),
    ].join('\n') + '\n',
  );
  if (ext) report(ext, false);
  if (o.json) process.stdout.write(JSON.stringify({ bench: 'channel', ...r, ...ext?.json, ...remote, messages: o.messages, roundtrips: o.roundtrips, rounds: o.rounds }) + '\n');
}

function report(ext: Awaited<ReturnType<typeof externalFigures>>, json: boolean): void {
  const line = (k: string, v: number, unit: string) => `  ${k.padEnd(26)} ${v >= 1e5 ? (v / 1e6).toFixed(2) + ' M' : v.toFixed(1)} ${unit}`;
  process.stderr.write(
    [
      'channel --external: our socket end against the reference adapters',
      line('externalCMsgsPerSec', ext.json.externalCMsgsPerSec, 'msg/s (ours → C)'),
      line('  reverse', ext.reverse.cToOursMsgsPerSec, 'msg/s (C → ours)'),
      line('externalCRoundTripUs', ext.json.externalCRoundTripUs, 'µs'),
      line('externalPythonMsgsPerSec', ext.json.externalPythonMsgsPerSec, 'msg/s (ours → Python)'),
      line('  reverse', ext.reverse.pythonToOursMsgsPerSec, 'msg/s (Python → ours)'),
      line('externalPythonRoundTripUs', ext.json.externalPythonRoundTripUs, 'µs'),
    ].join('\n') + '\n',
  );
  if (json) process.stdout.write(JSON.stringify({ bench: 'channel', ...ext.json }) + '\n');
}

// As a worker thread or child process: play the role and report one number.
if (!isMainThread && (workerData as Role | undefined)?.role) {
  await peer(workerData as Role, (v) => parentPort!.postMessage(v));
} else if (process.env.SPLITSIM_BENCH_ROLE && process.send) {
  const role = JSON.parse(process.env.SPLITSIM_BENCH_ROLE) as Role;
  await peer(role, (v) => process.send!(v));
}
