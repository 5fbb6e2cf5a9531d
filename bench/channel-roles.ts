/**
 * The halves of each channel measurement (bench/channel.ts, bench/channel-remote.ts): a sender
 * and a receiver of one-way messages, a ping and a pong of sync round trips, each on a channel
 * end of any transport. They run in a worker thread or a child process.
 */
import { SocketChannelEnd, Trunk, type ChannelEnd, type Inbox } from '@splitsim/channels';

export const LOOKAHEAD = 1000;

export interface PlayRole {
  role: string;
  n: number;
}

export class Counter implements Inbox {
  now = 0;
  count = 0;
  sum = 0;
  deliver(_time: number, _order: number, _handler: number, num: number): void {
    this.count++;
    this.sum += num;
  }
}

export function endOptions(inbox: Inbox) {
  const trunk = new Trunk(1);
  trunk.add(0, 0, 0, LOOKAHEAD, 'bench.port');
  return { channel: 0, name: 'A↔B', peer: 'peer', lookahead: LOOKAHEAD, syncInterval: LOOKAHEAD, trunk, inbox };
}

export const wall = () => performance.timeOrigin + performance.now();

/** The two halves of each measurement; they run in a worker thread or a child process. */
export async function play(r: PlayRole, end: ChannelEnd | null, inbox: Counter): Promise<number> {
  switch (r.role) {
    case 'send': {
      const t0 = wall();
      for (let i = 0; i < r.n; i++) end!.send(0, LOOKAHEAD + i, i, i, undefined);
      end!.flush();
      return t0;
    }
    case 'recv': {
      while (inbox.count < r.n) {
        if (end!.poll() === 0 && end instanceof SocketChannelEnd) await new Promise((res) => setImmediate(res));
      }
      return wall();
    }
    case 'ping': {
      const t0 = wall();
      for (let k = 1; k <= r.n; k++) {
        end!.sync(k * 10 + LOOKAHEAD, k * 10);
        while (end!.promise < k * 10 + LOOKAHEAD) if (end!.poll() === 0 && end instanceof SocketChannelEnd) await new Promise((res) => setImmediate(res));
      }
      return (wall() - t0) / r.n;
    }
    case 'pong': {
      for (let k = 1; k <= r.n; k++) {
        while (end!.promise < k * 10 + LOOKAHEAD) if (end!.poll() === 0 && end instanceof SocketChannelEnd) await new Promise((res) => setImmediate(res));
        end!.sync(k * 10 + LOOKAHEAD, k * 10);
      }
      return 0;
    }
    default:
      throw new Error(r.role);
  }
}
