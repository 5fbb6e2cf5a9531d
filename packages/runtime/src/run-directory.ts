import { closeSync, existsSync, openSync, readdirSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentMetrics, StopReason } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';
import { fsProblem, writeAtomic } from './atomic-write.ts';
import type { Failure } from './control.ts';
import { claimRunDirectory, LOCK, releaseRunDirectory, removeCreated } from './out-dir.ts';
import type { RunStatus } from './outcome.ts';

export interface RunRecord {
  plan: Plan;
  result: { reason: StopReason | 'interrupted' | 'failed'; now: number; events: number; message?: string };
  /** Null when the run failed (or was interrupted before every instance reported): no statistics are written then. */
  metrics: ComponentMetrics[] | null;
  /** Wall-clock facts go to run.json, never to metrics.json, which must be identical across partitions. */
  wallSeconds: number;
  status: RunStatus;
  log: string[];
  /** More facts for run.json (placement, the failure, the signal, whether a stop was exact…). */
  extra?: Record<string, unknown>;
}

/** `runs/<config>-<timestamp>/` under the working directory. */
export function defaultRunDirectory(config: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('runs', `${config}-${stamp}`);
}

/** metrics.json's bytes: no wall-clock value and no placement, so the same plan gives the same bytes however it ran. */
export function metricsJson(run: Pick<RunRecord, 'result' | 'metrics'>): string {
  const metrics = run.metrics!;
  const totals = { events: metrics.reduce((s, m) => s + m.events, 0), simulatedTime: run.result.now, stopReason: run.result.reason };
  return JSON.stringify({ totals, components: metrics }, null, 1) + '\n';
}

/**
 * A run directory through the run's life, so that whatever stops the run the directory says so:
 * claim() checks and locks it before anything runs; start() writes plan.json and run.json with
 * status `running` before the first event and opens run.log, which gets each line as it
 * happens; finish() writes metrics.json (when there are statistics) and the final run.json.
 * Every file is written whole (temporary file, then rename). A write that fails (a full disk)
 * fails the run: during it through onFailure, at the end in the final run.json, which then says
 * why and which files were kept. A coordinator killed outright leaves plan.json, a `running`
 * run.json with its process id, and the log so far.
 */
export class RunDirectory {
  private logFd: number | null = null;
  private facts: Record<string, unknown> = {};
  /** The first write that failed, in words; the run has failed then. */
  failed: string | null = null;
  /** Called once, during the run, when a write fails. */
  onFailure: ((failure: Failure) => void) | null = null;

  private constructor(
    readonly dir: string,
    private readonly created: string[],
  ) {}

  /** Refuses (E_OUTPUT, one line) a directory the run cannot or must not write to; see claimRunDirectory. */
  static claim(dir: string, force = false): RunDirectory {
    return new RunDirectory(dir, claimRunDirectory(dir, force));
  }

  /** Gives the directory up before the run started (bad input): the lock goes, and the directories claim() made if still empty. */
  abandon(): void {
    releaseRunDirectory(this.dir);
    removeCreated(this.created);
  }

  /** plan.json, run.json (`running`), an empty run.log. Returns false if a write failed (`failed` says which). */
  start(plan: Plan, facts: Record<string, unknown>): boolean {
    this.facts = { config: plan.config, instantiation: plan.instantiation, seed: plan.seed, instances: plan.instances.length, ...facts, pid: process.pid, started: new Date().toISOString() };
    return (
      this.write('run.json', JSON.stringify({ status: 'running', ...this.facts }, null, 1) + '\n') &&
      this.write('plan.json', JSON.stringify(plan, null, 1) + '\n') &&
      this.openLog()
    );
  }

  /** Appends a line to run.log now (so a killed run leaves its log so far). */
  log(line: string): void {
    if (this.logFd === null) return;
    try {
      writeSync(this.logFd, line + '\n');
    } catch (err) {
      this.closeLog();
      this.fail('run.log', err);
    }
  }

  /**
   * Writes metrics.json (if the run has statistics) and the final run.json; returns the record
   * as written: a run whose outputs could not be written is a failed run. Lets the directory go.
   */
  finish(run: RunRecord): RunRecord {
    if (this.failed === null && run.metrics !== null) this.write('metrics.json', metricsJson(run));
    if (this.failed !== null && run.status !== 'failed') {
      const failure: Failure = { instance: 'run directory', code: 'E_OUTPUT', message: this.failed };
      run = { ...run, status: 'failed', result: { ...run.result, message: this.failed }, extra: { ...run.extra, failure } };
    }
    if (this.failed !== null) this.log(`failed: ${this.failed}`);
    this.closeLog();
    this.writeRunJson(run);
    return run;
  }

  /** Lets the directory go (for a command that writes its own files there, such as replications). */
  release(): void {
    releaseRunDirectory(this.dir);
  }

  /** Rewrites run.json once the optional outputs (report, profile) are written, so that its file list is complete; lets the directory go. */
  close(run: RunRecord): void {
    this.writeRunJson(run);
    releaseRunDirectory(this.dir);
  }

  private writeRunJson(run: RunRecord): void {
    const text = JSON.stringify(runJson(run, this.facts, this.files()), null, 1) + '\n';
    if (this.write('run.json', text)) return;
    // A full disk: the temporary copy found no room, but run.json's own block is there to
    // overwrite in place (a shorter record, if need be).
    const short = JSON.stringify({ ...runJson(run, this.facts, this.files()), message: String(run.result.message ?? this.failed).slice(0, 500) }) + '\n';
    try {
      const fd = openSync(join(this.dir, 'run.json'), 'r+');
      try {
        writeSync(fd, short, 0);
        ftruncateSync(fd, Buffer.byteLength(short));
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      process.stderr.write(`splitsim: cannot write ${join(this.dir, 'run.json')}: ${fsProblem(err)}\n`);
    }
  }

  /** The run's files as they are now (temporary files and the lock left out). */
  files(): string[] {
    const out: string[] = [];
    const list = (sub: string) => {
      for (const e of readdirSync(join(this.dir, sub), { withFileTypes: true })) {
        const name = sub ? `${sub}/${e.name}` : e.name;
        if (e.name === LOCK || /\.tmp-\d+$/.test(e.name)) continue;
        if (e.isDirectory() && name === 'profile') list(name);
        else if (e.isFile()) out.push(name);
      }
    };
    try {
      list('');
    } catch {
      // A directory that cannot be listed lists nothing.
    }
    return out.sort();
  }

  private write(name: string, text: string): boolean {
    if (this.failed !== null && name !== 'run.json') return false;
    try {
      writeAtomic(join(this.dir, name), text);
      return true;
    } catch (err) {
      this.fail(name, err);
      return false;
    }
  }

  private openLog(): boolean {
    try {
      this.logFd = openSync(join(this.dir, 'run.log'), 'w');
      return true;
    } catch (err) {
      this.fail('run.log', err);
      return false;
    }
  }

  private closeLog(): void {
    if (this.logFd === null) return;
    try {
      closeSync(this.logFd);
    } catch {
      // Closing a log whose disk failed can fail too; the failure is already recorded.
    }
    this.logFd = null;
  }

  private fail(file: string, err: unknown): void {
    if (this.failed !== null) return;
    this.failed = `${fsProblem(err)} writing ${file}`;
    this.onFailure?.({ instance: 'run directory', code: 'E_OUTPUT', message: this.failed });
  }
}

function runJson(run: RunRecord, facts: Record<string, unknown>, files: string[]): Record<string, unknown> {
  const events = run.metrics ? run.metrics.reduce((s, m) => s + m.events, 0) : run.result.events;
  return {
    status: run.status,
    ...facts,
    ended: new Date().toISOString(),
    stopReason: run.result.reason,
    simulatedTime: run.result.now,
    events,
    wallSeconds: run.wallSeconds,
    eventsPerSecond: run.wallSeconds > 0 ? events / run.wallSeconds : null,
    ...(run.result.message ? { message: run.result.message } : {}),
    ...run.extra,
    files,
  };
}

/** Writes a whole run directory at once (for tests and scripts that ran a plan themselves). */
export function writeRunDirectory(dir: string, run: RunRecord): void {
  const d = RunDirectory.claim(dir, existsSync(dir));
  d.start(run.plan, {});
  for (const line of run.log) d.log(line);
  d.close(d.finish(run));
}
