/**
 * Runner processes and coordinator runs for the distributed tests and the stress script: start
 * `splitsim runner` in a test network's namespace, read its port and log, ask it for its status
 * over the control protocol, run `splitsim run` against it and time how it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { CONTROL_PATH } from '@splitsim/runtime';
import { decode, encode } from '../../packages/runtime/src/runner-protocol.ts';
import type { TestNet } from './netns.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'packages/splitsim/bin/splitsim.js');

/** A fresh token in a fresh file. */
export function tokenFile(): { file: string; token: string } {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-token-'));
  const token = randomBytes(24).toString('hex');
  const file = join(dir, 'token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { file, token };
}

export interface RunnerStatus {
  runs: number;
  instances: number;
  rssBytes: number;
  heapBytes: number;
  refused: number;
}

export class RunnerProc {
  readonly log: string[] = [];
  port = 0;
  exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    readonly host: string,
    argv: string[],
    env: NodeJS.ProcessEnv = {},
  ) {
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    let partial = '';
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      this.log.push(...lines);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Resolves once the runner prints `listening host:port`. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      let text = '';
      this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        const m = /listening \S+:(\d+)/.exec(text);
        if (m && this.port === 0) {
          this.port = Number(m[1]);
          resolve();
        }
      });
      void this.exited.then((code) => reject(new Error(`runner ${this.name} exited (${code}) before it listened: ${this.log.join(' | ')}`)));
    });
  }

  signal(sig: NodeJS.Signals): void {
    // `ip netns exec` execs the program: the child's pid is the runner's own.
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(sig);
  }

  async stop(): Promise<void> {
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3000))]);
    this.signal('SIGKILL');
    await this.exited;
  }
}

/** Starts runner `name` in namespace k of the network (port 7070 there; any free port on loopback). */
export async function startRunnerProc(net: TestNet, k: number, name: string, token: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}, port = net.mode === 'netns' ? 7070 : 0): Promise<RunnerProc> {
  const host = net.hosts[k]!;
  const argv = net.wrap(k, [process.execPath, BIN, 'runner', '--listen', `${host}:${port}`, '--token-file', token, ...extra]);
  const r = new RunnerProc(name, host, argv, env);
  await r.ready();
  return r;
}

/** One control message to a runner and its answer (status), or the refusal of the connection. */
export function runnerStatus(address: string, token: string): Promise<RunnerStatus> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${address}${CONTROL_PATH}`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`runner ${address}: no status within 10 s`));
    }, 10_000);
    ws.on('open', () => ws.send(encode({ t: 'status' })));
    ws.on('message', (data) => {
      clearTimeout(timer);
      resolve(decode(data as Buffer) as RunnerStatus);
      ws.close();
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Polls until the runner serves no run and no instance (after a fault, its clean-up takes a moment). */
export async function settledStatus(address: string, token: string, tries = 40): Promise<RunnerStatus> {
  let s = await runnerStatus(address, token);
  for (let i = 0; i < tries && (s.runs > 0 || s.instances > 0); i++) {
    await new Promise((r) => setTimeout(r, 250));
    s = await runnerStatus(address, token);
  }
  return s;
}

export interface CoordinatorRun {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Exit code, or 128 + signal number. */
  done: Promise<{ code: number; at: number }>;
}

/** Starts `splitsim run <args>` in this namespace; `done` resolves with its exit code and the time (performance.now()) it exited. */
export function coordinator(args: string[], env: NodeJS.ProcessEnv = {}): CoordinatorRun {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const run: CoordinatorRun = {
    child,
    stdout: '',
    stderr: '',
    done: new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2), at: performance.now() }));
    }),
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (run.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (run.stderr += d));
  return run;
}

/** Resolves when `text` matches the pattern (checked as it grows). */
export async function waitFor(get: () => string, pattern: RegExp, ms = 60_000): Promise<void> {
  const t0 = performance.now();
  while (!pattern.test(get())) {
    if (performance.now() - t0 > ms) throw new Error(`waited ${ms / 1000} s for ${pattern}; got: ${get().slice(-800)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
