/**
 * `npm run bench -- datacenter --remote [--duration 500us] [--sending 0.3] [--json]`
 *
 * configs/datacenter.ts in two instances (`halves`) three ways, through the `splitsim` command:
 * both as worker threads of one process (no runner), both on one runner (1 runner × 2 instances:
 * a shared-memory ring between them), and one on each of two runners (2 runners × 1 instance: a
 * WebSocket channel over loopback between them). Reports simulated ms per wall second from the
 * start signal to the end (run.json's runSeconds, start-up left out) and the whole wall time.
 * The metrics must be the same bytes in all three; the bench fails otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, RunnerProc, tokenFile } from '../test/support/runners.ts';

interface Arrangement {
  name: string;
  runners: number;
  simMsPerWallSec: number;
  runSeconds: number;
  wallSeconds: number;
}

function splitsim(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`splitsim ${args.join(' ')}: exit ${code}\n${err}`))));
  });
}

export async function remoteDatacenter(o: { duration: string; sending: number; seed: number; json: boolean }): Promise<void> {
  const token = tokenFile();
  const out = mkdtempSync(join(tmpdir(), 'splitsim-bench-remote-'));
  const runners = await Promise.all(['a', 'b'].map(async (name) => {
    const r = new RunnerProc(name, '127.0.0.1', [process.execPath, BIN, 'runner', '--listen', '127.0.0.1:0', '--token-file', token.file, '--quiet']);
    await r.ready();
    return r;
  }));
  const base = ['run', 'configs/datacenter.ts', '--inst', 'halves', '--set', `sendingShare=${o.sending}`, '--until', o.duration, '--seed', String(o.seed), '--quiet'];
  const ways: Array<{ name: string; runners: number; args: string[] }> = [
    { name: 'one process, 2 threads', runners: 0, args: ['--placement', 'thread'] },
    { name: '1 runner × 2 instances', runners: 1, args: ['--runners', `a=${runners[0]!.address}`, '--token-file', token.file] },
    { name: '2 runners × 1 instance', runners: 2, args: ['--runners', runners.map((r) => `${r.name}=${r.address}`).join(','), '--token-file', token.file] },
  ];
  const results: Arrangement[] = [];
  const load0 = loadavg()[0]!;
  try {
    let metrics: string | null = null;
    for (const [i, w] of ways.entries()) {
      const dir = join(out, String(i));
      await splitsim([...base, ...w.args, '--out', dir]);
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { runSeconds: number; wallSeconds: number };
      const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { totals: { simulatedTime: number } };
      const text = readFileSync(join(dir, 'metrics.json'), 'utf8');
      if (metrics !== null && text !== metrics) throw new Error(`${w.name}: metrics.json differs from the first arrangement's`);
      metrics = text;
      const simMs = m.totals.simulatedTime / 1e9;
      results.push({ name: w.name, runners: w.runners, simMsPerWallSec: simMs / run.runSeconds, runSeconds: run.runSeconds, wallSeconds: run.wallSeconds });
      if (!o.json) console.log(`${w.name.padEnd(24)} ${(simMs / run.runSeconds).toFixed(3)} simulated ms per wall s (${run.runSeconds.toFixed(2)} s simulating, ${run.wallSeconds.toFixed(2)} s wall)`);
    }
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
  }
  const load = [load0, loadavg()[0]!].map((x) => Number(x.toFixed(1)));
  if (!o.json) console.log(`(load ${load.join(' → ')}; metrics.json the same bytes in all three)`);
  else console.log(JSON.stringify({ bench: 'datacenter', remote: true, instantiation: 'halves', duration: o.duration, sending: o.sending, seed: o.seed, load, results }));
}
