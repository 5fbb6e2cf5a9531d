/**
 * One fault trial of a distributed run, shared by test/distributed-faults.test.ts (a few trials)
 * and scripts/stress-distributed.ts (fifty of each): start the datacenter on three runners, wait
 * until it is simulating, inject the fault, and report how the coordinator ended: exit code,
 * milliseconds from the fault to its exit, its message, the run directory's files, and what each
 * runner still serves afterwards.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestNet } from './netns.ts';
import { coordinator, settledStatus, startRunnerProc, waitFor, type RunnerProc, type RunnerStatus } from './runners.ts';

export type Fault = 'kill' | 'cut' | 'sigint' | 'restart';
export const FAULTS: Fault[] = ['kill', 'cut', 'sigint', 'restart'];

/** Exit code and the words the coordinator's message must hold, per fault. */
export const EXPECTED: Record<Fault, { code: number; message: RegExp }> = {
  kill: { code: 3, message: /runner b \(\S+\) closed the connection/ },
  cut: { code: 3, message: /runner b \(\S+\) no heartbeat for/ },
  // The coordinator's words for a SIGINT (packages/cli/src/signals.ts).
  sigint: { code: 130, message: /SIGINT: stopping the instances/ },
  restart: { code: 3, message: /runner b \(\S+\) closed the connection/ },
};

export interface Cluster {
  net: TestNet;
  token: { file: string; token: string };
  runners: RunnerProc[];
}

export interface TrialResult {
  fault: Fault;
  code: number;
  /** Wall ms from the fault to the coordinator's exit. */
  ms: number;
  stderr: string;
  dir: string;
  /** Files the run directory kept. */
  kept: string[];
  /** run.json's status. */
  status: string | null;
  /** Each runner's runs and instances once settled (all zero: nothing left behind). */
  after: RunnerStatus[];
}

const small = ['--set', 'blocks=2', '--set', 'racksPerBlock=3', '--set', 'hostsPerRack=4', '--set', 'detailedHosts=2', '--set', 'sendingShare=0.5'];

export async function trial(c: Cluster, fault: Fault): Promise<TrialResult> {
  const dir = join(mkdtempSync(join(tmpdir(), `splitsim-fault-${fault}-`)), 'run');
  const list = c.runners.map((r) => `${r.name}=${r.address}`).join(',');
  // Long enough that it is still running when the fault comes.
  const run = coordinator(['configs/datacenter.ts', '--inst', 'ac', ...small, '--until', '100ms', '--runners', list, '--token-file', c.token.file, '--out', dir]);
  // A progress line (JSON on a pipe, packages/runtime/src/progress.ts) with events: it is simulating.
  await waitFor(() => run.stderr, /"type":"progress",[^\n]*"events":[1-9]/, 120_000);
  const b = c.runners[1]!;
  const t0 = performance.now();
  switch (fault) {
    case 'kill':
      b.signal('SIGKILL');
      break;
    case 'restart':
      b.signal('SIGKILL');
      await b.exited;
      // The same address: a restarted runner, not another one.
      c.runners[1] = await startRunnerProc(c.net, 1, 'b', c.token.file, [], {}, b.port);
      break;
    case 'cut':
      // Namespaces: the runner's link goes down. Loopback: the runner is frozen instead.
      if (c.net.mode === 'netns') c.net.cut(1);
      else b.signal('SIGSTOP');
      break;
    case 'sigint':
      run.child.kill('SIGINT');
      break;
  }
  const { code, at } = await run.done;
  const ms = at - t0;
  if (fault === 'cut') {
    if (c.net.mode === 'netns') c.net.restore(1);
    else b.signal('SIGCONT');
  }
  if (fault === 'kill') c.runners[1] = await startRunnerProc(c.net, 1, 'b', c.token.file, [], {}, b.port);
  const after: RunnerStatus[] = [];
  for (const r of c.runners) after.push(await settledStatus(r.address, c.token.token));
  const kept = ['plan.json', 'run.json', 'run.log', 'metrics.json'].filter((f) => existsSync(join(dir, f)));
  let status: string | null = null;
  try {
    status = (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { status?: string }).status ?? null;
  } catch {
    // no run.json: the test says so
  }
  return { fault, code, ms, stderr: run.stderr, dir, kept, status, after };
}

export async function cluster(net: TestNet, token: { file: string; token: string }): Promise<Cluster> {
  const runners = await Promise.all(['a', 'b', 'c'].map((name, k) => startRunnerProc(net, k, name, token.file)));
  return { net, token, runners };
}
