/**
 * `npm run bench -- channel --external`: our socket channel end (SocketChannelEnd, in this
 * process) against the reference adapters' channel ends (adapters/c/bench_peer,
 * adapters/python/bench_peer.py), beside the thread and process figures of bench/channel.ts:
 * - external{C,Python}MsgsPerSec: one-way messages from our end to the adapter's, from the first
 *   send until the adapter has decoded the last (it answers with a sync, one one-way latency);
 * - external{C,Python}RoundTripUs: a sync message there and one back.
 * The reverse direction (the adapter sends, we decode) is printed too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenChannel, SocketChannelEnd, Trunk, type Inbox } from '@splitsim/channels';
import { bestOf } from './best-of.ts';

const ROOT = join(import.meta.dirname, '..');
const LOOKAHEAD = 1000;
const MARK = 1e15;

export const PEERS = {
  C: [join(ROOT, 'adapters', 'c', 'bench_peer')],
  Python: ['python3', join(ROOT, 'adapters', 'python', 'bench_peer.py')],
};

class Counter implements Inbox {
  now = 0;
  count = 0;
  deliver(): void {
    this.count++;
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** One measurement against a fresh peer process: msgs/s for 'recv' and 'send' (the peer's role), µs per round trip for 'pong'. */
export async function externalPair(peer: string[], role: 'recv' | 'send' | 'pong', n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-bench-'));
  const path = join(dir, 'c.sock');
  const { accepted } = await listenChannel(path);
  const child = spawn(peer[0]!, [...peer.slice(1), role, path, String(n)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const socket = await accepted;
    const trunk = new Trunk(1);
    trunk.add(0, 0, 0, LOOKAHEAD, 'bench.port');
    const inbox = new Counter();
    const end = new SocketChannelEnd({ channel: 0, name: 'ours↔peer', peer: 'peer', lookahead: LOOKAHEAD, syncInterval: LOOKAHEAD, trunk, inbox, socket, onInput: () => {}, onLost: () => {} });
    const until = async (done: () => boolean) => {
      while (!done()) if (end.poll() === 0) await tick();
    };
    end.hello(true);
    await until(() => end.demux.helloSeen);
    const t0 = performance.now();
    let result: number;
    if (role === 'recv') {
      for (let i = 0; i < n; i++) end.send(0, LOOKAHEAD + i, i, i, undefined);
      end.flush();
      await until(() => end.promise >= MARK);
      result = n / ((performance.now() - t0) / 1000);
    } else if (role === 'send') {
      end.sync(MARK, 0);
      await until(() => inbox.count >= n);
      result = n / ((performance.now() - t0) / 1000);
    } else {
      for (let k = 1; k <= n; k++) {
        end.sync(k * 10 + LOOKAHEAD, k * 10);
        await until(() => end.promise >= k * 10 + LOOKAHEAD);
      }
      result = ((performance.now() - t0) / n) * 1000;
    }
    end.close();
    const code = await exited;
    if (code !== 0) throw new Error(`${peer.join(' ')} ${role} exited with code ${code}`);
    return result;
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ExternalOptions {
  rounds: number;
  cMessages: number;
  pythonMessages: number;
  cRoundtrips: number;
  pythonRoundtrips: number;
}

/** The four figures of the channel JSON, and the reverse direction for the text. */
export async function externalFigures(o: ExternalOptions) {
  const build = spawnSync('make', ['-s', '-C', join(ROOT, 'adapters', 'c'), 'bench_peer'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`make -C adapters/c bench_peer failed:\n${build.stdout}${build.stderr}`);
  const best = (f: () => Promise<number>, higher: boolean) => bestOf(o.rounds, f, higher ? 'highest' : 'lowest');
  return {
    json: {
      externalCMsgsPerSec: await best(() => externalPair(PEERS.C, 'recv', o.cMessages), true),
      externalCRoundTripUs: await best(() => externalPair(PEERS.C, 'pong', o.cRoundtrips), false),
      externalPythonMsgsPerSec: await best(() => externalPair(PEERS.Python, 'recv', o.pythonMessages), true),
      externalPythonRoundTripUs: await best(() => externalPair(PEERS.Python, 'pong', o.pythonRoundtrips), false),
    },
    reverse: {
      cToOursMsgsPerSec: await best(() => externalPair(PEERS.C, 'send', o.cMessages), true),
      pythonToOursMsgsPerSec: await best(() => externalPair(PEERS.Python, 'send', o.pythonMessages), true),
    },
  };
}
