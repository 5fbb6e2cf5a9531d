import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { ControlBlock, type Command, type InstanceSpec, type Report } from './control.ts';
import type { InstanceEntry } from './instance-entry.ts';

export interface HandleEvents {
  report(r: Report): void;
  /** The thread or process is gone; `how` says why ("exit code 0", "signal SIGKILL"). */
  exit(how: string): void;
}

/** Where an instance runs: in the orchestrator's own thread (a plan of one instance), a worker thread, a child process, an external program, a remote runner. */
export type InstanceKind = 'inline' | 'thread' | 'process' | 'external' | 'remote';

/**
 * The orchestrator's side of one instance: in-process, a worker thread, a child process, an
 * external program (external-instance.ts) or an instance on a runner (remote-instance.ts) behind
 * one small interface (commands down, reports up, exit, kill), so the orchestrator never asks which.
 */
export interface InstanceHandle {
  readonly kind: InstanceKind;
  /** The process the instance runs in (for a thread or in-process, the orchestrator's own; for a remote one, the runner's). */
  readonly pid: number;
  command(c: Command): void;
  /** Ends it now: stop the in-process one without a report, terminate the thread, SIGKILL the process. */
  kill(): void;
}

export function startThread(entry: InstanceEntry, spec: InstanceSpec, on: HandleEvents): InstanceHandle {
  const control = new ControlBlock(spec.control!);
  const worker = new Worker(entry.thread, { workerData: spec });
  worker.on('message', (r: Report) => on.report(r));
  worker.on('error', (err) => on.report({ type: 'failed', failure: { instance: spec.plan.instances[spec.instance]!.name, message: `worker thread failed: ${err.message}` } }));
  worker.on('exit', (code) => on.exit(`exit code ${code}`));
  return {
    kind: 'thread',
    pid: process.pid,
    command: (c) => control.apply(c),
    kill: () => void worker.terminate(),
  };
}

export function startProcess(entry: InstanceEntry, spec: InstanceSpec, on: HandleEvents): InstanceHandle {
  const child: ChildProcess = fork(entry.process.file, [], {
    execArgv: entry.process.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group: a terminal's Ctrl-C (or a hang-up) reaches the orchestrator alone,
    // which decides what it means; an instance ends when told to, or when it loses its parent.
    detached: true,
  });
  child.on('message', (r: Report) => on.report(r));
  child.on('error', (err) => on.report({ type: 'failed', failure: { instance: spec.plan.instances[spec.instance]!.name, message: `child process failed: ${err.message}` } }));
  child.on('exit', (code, signal) => on.exit(signal ? `signal ${signal}` : `exit code ${code}`));
  child.send({ spec });
  return {
    kind: 'process',
    pid: child.pid ?? -1,
    command: (c) => {
      if (child.connected) child.send({ command: c });
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
