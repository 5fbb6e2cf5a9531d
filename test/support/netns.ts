/**
 * The network a distributed test runs on. As root with `ip netns`: each runner in its own network
 * namespace, joined by a veth pair to a hub namespace that routes between them and the
 * coordinator (which stays in the test's namespace, joined to the hub by one more veth pair).
 * Otherwise: everything on loopback. `mode` says which ran; tests print it.
 *
 * Delay and loss (`impair`): tc netem on the hub's veths where the kernel has it; where it does
 * not (sch_netem not built, as on our CI's kernel), a userspace delay line (delay-line.py, a TUN
 * device the hub routes every packet through) holds each packet for the delay and drops the
 * given share. `impaired` says which.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface TestNet {
  mode: 'netns' | 'loopback';
  /** Why loopback, when it is. */
  why?: string;
  /** How delay and loss are added: 'netem', 'delay-line', or 'none'. */
  impaired: 'netem' | 'delay-line' | 'none';
  /** The address each runner listens on (and the coordinator reaches it at). */
  hosts: string[];
  /** argv to run a program in runner k's namespace. */
  wrap(k: number, argv: string[]): string[];
  /** Cuts runner k's network (its veth down); restore() brings it back. */
  cut(k: number): void;
  restore(k: number): void;
  close(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Whether this process can make network namespaces; the reason if not. */
function netnsProblem(): string | null {
  if (process.env.SPLITSIM_TEST_NET === 'loopback') return 'SPLITSIM_TEST_NET=loopback';
  if (process.platform !== 'linux') return `${process.platform}, not Linux`;
  if (process.getuid?.() !== 0) return 'not root';
  const probe = `ssprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return null;
  } catch (err) {
    return `ip netns does not work here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  }
}

export interface NetOptions {
  /** One-way delay added to every packet through the hub, ms. */
  delayMs?: number;
  /** Share of packets dropped, 0..1. */
  loss?: number;
}

/** Nets made by this process so far: each gets its own names and subnets. */
let made = 0;

export async function testNet(runners: number, o: NetOptions = {}): Promise<TestNet> {
  const problem = netnsProblem();
  if (problem !== null) return loopback(runners, problem);
  const seq = made++ % 20;
  const id = `${process.pid % 10000}x${seq}`;
  const subnet = `10.${200 + (process.pid % 50)}`;
  // Runner k of this net: 10.x.(10·seq + k).2; the coordinator's link: 10.x.(250 − seq).1.
  const runnerNet = (k: number) => `${subnet}.${seq * 10 + k}`;
  const coordNet = `${subnet}.${250 - seq}`;
  const ns = (k: number) => `ss${id}n${k}`;
  const hub = `ss${id}hub`;
  const namespaces: string[] = [];
  let line: ChildProcess | null = null;
  const close = () => {
    line?.stdin?.end();
    line?.kill();
    for (const n of namespaces.reverse()) {
      try {
        ip('netns', 'del', n);
      } catch {
        // already gone
      }
    }
    try {
      ip('link', 'del', `ss${id}c`);
    } catch {
      // went with the hub
    }
  };
  process.once('exit', close);
  try {
    ip('netns', 'add', hub);
    namespaces.push(hub);
    ip('-n', hub, 'link', 'set', 'lo', 'up');
    execFileSync('ip', ['netns', 'exec', hub, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
    // The coordinator's side: this namespace ↔ hub.
    ip('link', 'add', `ss${id}c`, 'type', 'veth', 'peer', 'name', 'vc', 'netns', hub);
    ip('addr', 'add', `${coordNet}.1/24`, 'dev', `ss${id}c`);
    ip('link', 'set', `ss${id}c`, 'up');
    ip('-n', hub, 'addr', 'add', `${coordNet}.2/24`, 'dev', 'vc');
    ip('-n', hub, 'link', 'set', 'vc', 'up');
    const hosts: string[] = [];
    for (let k = 0; k < runners; k++) {
      ip('netns', 'add', ns(k));
      namespaces.push(ns(k));
      ip('-n', ns(k), 'link', 'set', 'lo', 'up');
      ip('-n', hub, 'link', 'add', `v${k}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(k));
      ip('-n', hub, 'addr', 'add', `${runnerNet(k)}.1/24`, 'dev', `v${k}`);
      ip('-n', hub, 'link', 'set', `v${k}`, 'up');
      ip('-n', ns(k), 'addr', 'add', `${runnerNet(k)}.2/24`, 'dev', 'eth0');
      ip('-n', ns(k), 'link', 'set', 'eth0', 'up');
      ip('-n', ns(k), 'route', 'add', 'default', 'via', `${runnerNet(k)}.1`);
      ip('route', 'add', `${runnerNet(k)}.0/24`, 'via', `${coordNet}.2`);
      hosts.push(`${runnerNet(k)}.2`);
    }
    let impaired: TestNet['impaired'] = 'none';
    if ((o.delayMs ?? 0) > 0 || (o.loss ?? 0) > 0) {
      const delay = `${o.delayMs ?? 0}ms`;
      const loss = `${((o.loss ?? 0) * 100).toFixed(3)}%`;
      try {
        for (const dev of ['vc', ...hosts.map((_, k) => `v${k}`)]) ip('-n', hub, 'qdisc', 'add', 'dev', dev, 'root', 'netem', 'delay', delay, 'loss', loss);
        impaired = 'netem';
      } catch {
        line = await delayLine(hub, o.delayMs ?? 0, o.loss ?? 0);
        // Every packet entering the hub goes through the line, then on by the main table.
        ip('-n', hub, 'link', 'set', 'sstun', 'up');
        ip('-n', hub, 'route', 'add', 'default', 'dev', 'sstun', 'table', '100');
        for (const dev of ['vc', ...hosts.map((_, k) => `v${k}`)]) ip('-n', hub, 'rule', 'add', 'iif', dev, 'lookup', '100');
        execFileSync('ip', ['netns', 'exec', hub, 'sysctl', '-qw', 'net.ipv4.conf.sstun.rp_filter=0', 'net.ipv4.conf.sstun.accept_local=1']);
        impaired = 'delay-line';
      }
    }
    return {
      mode: 'netns',
      impaired,
      hosts,
      wrap: (k, argv) => ['ip', 'netns', 'exec', ns(k), ...argv],
      cut: (k) => ip('-n', hub, 'link', 'set', `v${k}`, 'down'),
      restore: (k) => {
        ip('-n', hub, 'link', 'set', `v${k}`, 'up');
        ip('-n', ns(k), 'route', 'replace', 'default', 'via', `${runnerNet(k)}.1`);
      },
      close: () => {
        process.off('exit', close);
        close();
      },
    };
  } catch (err) {
    close();
    process.off('exit', close);
    return loopback(runners, `setting up namespaces failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

function delayLine(hub: string, delayMs: number, loss: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', hub, 'python3', join(import.meta.dirname, 'delay-line.py'), 'sstun', String(delayMs), String(loss), '1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`delay line exited (${code})`)));
  });
}

function loopback(runners: number, why: string): TestNet {
  return {
    mode: 'loopback',
    why,
    impaired: 'none',
    hosts: Array.from({ length: runners }, () => '127.0.0.1'),
    wrap: (_k, argv) => argv,
    // On loopback a cut is a frozen runner (SIGSTOP): it answers nothing, as if unplugged.
    cut: () => {},
    restore: () => {},
    close: () => {},
  };
}
