/**
 * A few long-lived helper processes (cli-batch.ts --serve) that run `splitsim` commands in
 * process, fed from one queue: a command costs milliseconds of start-up instead of a second, and
 * independent jobs run side by side, one per helper. A job is a sequence of commands run in
 * order on one helper (a run, then `profile` of its run directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { CliResult } from './cli-inprocess.ts';

const root = join(import.meta.dirname, '..', '..');

export interface PoolCase {
  args: string[];
  /** Folder the command runs in; default the checkout. */
  cwd?: string;
}

interface Job {
  id: number;
  cases: PoolCase[];
  resolve: (r: CliResult[]) => void;
  reject: (e: Error) => void;
}

export class CliPool {
  private readonly idle: ChildProcess[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<number, { job: Job; helper: ChildProcess }>();
  private readonly helpers: ChildProcess[] = [];
  private next = 0;

  constructor(size = Math.max(2, availableParallelism())) {
    for (let i = 0; i < size; i++) {
      const helper = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/cli-batch.ts'), '--serve'], { cwd: root, stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
      let stderr = '';
      helper.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
      createInterface({ input: helper.stdio[3] as Readable }).on('line', (line) => {
        const { id, results } = JSON.parse(line) as { id: number; results: CliResult[] };
        const r = this.running.get(id)!;
        this.running.delete(id);
        r.job.resolve(results);
        this.idle.push(helper);
        this.pump();
      });
      helper.on('exit', (code) => {
        for (const [id, r] of this.running) {
          if (r.helper !== helper) continue;
          this.running.delete(id);
          r.job.reject(new Error(`a cli-pool helper exited (${code}) during ${r.job.cases.map((c) => c.args.join(' ')).join('; ')}: ${stderr}`));
        }
      });
      this.helpers.push(helper);
      this.idle.push(helper);
    }
  }

  /** Runs the commands in order on one helper; their results in the same order. */
  sequence(cases: PoolCase[]): Promise<CliResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.next++, cases, resolve, reject });
      this.pump();
    });
  }

  async run(args: string[], cwd?: string): Promise<CliResult> {
    return (await this.sequence([cwd === undefined ? { args } : { args, cwd }]))[0]!;
  }

  close(): void {
    for (const h of this.helpers) h.stdin!.end();
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const helper = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(job.id, { job, helper });
      helper.stdin!.write(`${JSON.stringify({ id: job.id, cases: job.cases })}\n`);
    }
  }
}
