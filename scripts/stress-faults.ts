/**
 * Runs each fault case many times through `splitsim run`, as a user meets it, and prints a table:
 * fault, trials, correct endings, median and max time from the fault to the exit. A correct
 * ending is the documented exit code, a complete run.json with the right status, no socket
 * directory, no lock and no instance process left (scripts/stress-faults.sh --help).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ended, gone, instancePids, outDir, profiling, readJson, running, sleep, socketDirs, startRun, until, wallNs, type Started } from '../test/support/cli-run.ts';

interface Trial {
  ok: boolean;
  /** Fault to exit (or, for kill -9, to the last instance process gone), ms. */
  ms: number;
  why?: string;
}

const SIG_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function phold(placement: 'inline' | 'thread' | 'process', out: string, ...more: string[]): string[] {
  const a = ['configs/phold.ts', '--until', '10s', '--out', out, '--quiet', ...more];
  return placement === 'inline' ? a : [...a, '--inst', 'linear2', '--placement', placement, '--profile', '50ms'];
}

/** Checks what every ending leaves; returns why it is wrong, or null. */
async function leftBehind(run: Started, out: string, status: string): Promise<string | null> {
  let info;
  try {
    info = readJson(join(out, 'run.json'));
  } catch (err) {
    return `run.json: ${(err as Error).message}`;
  }
  if (info.status !== status) return `run.json status ${info.status}`;
  if (status !== 'running' && !info.ended) return 'run.json not final';
  for (const f of ['plan.json', 'metrics.json']) {
    if (!existsSync(join(out, f))) continue;
    try {
      readJson(join(out, f));
    } catch {
      return `${f} is torn`;
    }
  }
  if (status !== 'running' && existsSync(join(out, '.splitsim-lock'))) return 'lock left';
  if (socketDirs(run.tmp).length > 0) return 'socket directory left';
  const left = await gone(instancePids(out).values());
  if (left.length > 0) return `instance processes left: ${left.join(', ')}`;
  return null;
}

async function signalCase(sig: NodeJS.Signals, placement: 'inline' | 'thread' | 'process', phase: 'mid-run' | 'start-up', twice = false): Promise<Trial> {
  const out = outDir();
  const run = startRun(phold(placement, out));
  if (phase === 'start-up') await until(running(out), 'run.json');
  else if (placement === 'inline') {
    await until(running(out), 'run.json');
    await sleep(300);
  } else await until(profiling(out, 'i1'), 'a profile line');
  const sent = wallNs();
  run.signal(sig);
  if (twice) {
    await sleep(20);
    run.signal(sig);
  }
  const { code, at } = await run.exited;
  const ms = (at - sent) / 1e6;
  if (code !== SIG_EXIT[sig]) return { ok: false, ms, why: `exit ${code}` };
  const why = await leftBehind(run, out, 'interrupted');
  return why === null ? { ok: true, ms } : { ok: false, ms, why };
}

/** A second SIGINT once run.json is final, while report.html and the profile outputs are written. */
async function signalWhileWriting(): Promise<Trial> {
  const out = outDir();
  const run = startRun(phold('thread', out));
  await until(profiling(out, 'i1'), 'a profile line');
  run.signal('SIGINT');
  await until(ended(out), 'the final run.json');
  const sent = wallNs();
  try {
    run.signal('SIGINT');
  } catch {
    // already gone: the outputs were quicker
  }
  const { code, at } = await run.exited;
  const ms = (at - sent) / 1e6;
  if (code !== 130) return { ok: false, ms, why: `exit ${code}` };
  for (const f of ['wtpg.json', 'report.html', 'series.csv']) {
    const file = join(out, f);
    if (f.endsWith('.json') && existsSync(file)) {
      try {
        readJson(file);
      } catch {
        return { ok: false, ms, why: `${f} is torn` };
      }
    }
  }
  const why = await leftBehind(run, out, 'interrupted');
  return why === null ? { ok: true, ms } : { ok: false, ms, why };
}

async function killCoordinator(): Promise<Trial> {
  const out = outDir();
  const run = startRun(phold('process', out));
  await until(profiling(out, 'i1'), 'a profile line');
  const pids = [...instancePids(out).values()];
  const sent = wallNs();
  run.signal('SIGKILL');
  await run.exited;
  const left = await gone(pids);
  const ms = (wallNs() - sent) / 1e6;
  if (left.length > 0) return { ok: false, ms, why: `orphans ${left.join(', ')}` };
  const why = await leftBehind(run, out, 'running');
  return why === null && pids.length === 2 ? { ok: true, ms } : { ok: false, ms, why: why ?? 'pids' };
}

async function instanceException(placement: 'thread' | 'process'): Promise<Trial> {
  const out = outDir();
  const run = startRun(['configs/phold.ts', '--inst', 'linear4', '--placement', placement, '--set', 'failAt=40us', '--until', '1s', '--profile', '50ms', '--quiet', '--out', out]);
  const { code, at } = await run.exited;
  let ms = NaN;
  try {
    const lines = readFileSync(join(out, 'profile', 'i3.jsonl'), 'utf8').trim().split('\n');
    ms = (at - JSON.parse(lines.at(-1)!).wallNs) / 1e6;
  } catch {
    return { ok: false, ms, why: 'no final profile line' };
  }
  if (code !== 3) return { ok: false, ms, why: `exit ${code}` };
  const why = await leftBehind(run, out, 'failed');
  return why === null ? { ok: true, ms } : { ok: false, ms, why };
}

async function instanceKilled(): Promise<Trial> {
  const out = outDir();
  const run = startRun(phold('process', out));
  await until(profiling(out, 'i1'), 'a profile line');
  const victim = instancePids(out).get('i1')!;
  const sent = wallNs();
  process.kill(victim, 'SIGKILL');
  const { code, at } = await run.exited;
  const ms = (at - sent) / 1e6;
  if (code !== 3) return { ok: false, ms, why: `exit ${code}` };
  const why = await leftBehind(run, out, 'failed');
  return why === null ? { ok: true, ms } : { ok: false, ms, why };
}

/** --out refused: from the start of the command to its exit (the bar is 2 s). */
async function outRefused(kind: 'file' | 'proc' | 'non-empty'): Promise<Trial> {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-stress-'));
  const out = kind === 'proc' ? '/proc/x' : join(dir, 'x');
  if (kind === 'file') writeFileSync(out, 'mine\n');
  if (kind === 'non-empty') execFileSync('mkdir', ['-p', join(out, 'sub')]);
  const t0 = wallNs();
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'packages', 'splitsim', 'bin', 'splitsim.js'), 'run', 'configs/mmc.ts', '--out', out], { encoding: 'utf8', cwd: join(import.meta.dirname, '..') });
  const ms = (wallNs() - t0) / 1e6;
  const oneLine = r.stderr.trim().split('\n').length === 1;
  const kept = kind === 'file' ? readFileSync(out, 'utf8') === 'mine\n' : kind === 'non-empty' ? existsSync(join(out, 'sub')) : true;
  return r.status === 2 && oneLine && kept ? { ok: true, ms } : { ok: false, ms, why: `exit ${r.status}: ${r.stderr.trim()}` };
}

/** A disk that fills mid-run (a small tmpfs; root only). */
async function diskFills(): Promise<Trial> {
  const fs = mkdtempSync(join(tmpdir(), 'splitsim-fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', fs]);
  try {
    const out = join(fs, 'run');
    const run = startRun(phold('thread', out));
    await until(profiling(out, 'i1'), 'a profile line');
    const sent = wallNs();
    try {
      writeFileSync(join(fs, 'filler'), Buffer.alloc(4 << 20));
    } catch {
      // full, as meant
    }
    const { code, at } = await run.exited;
    const ms = (at - sent) / 1e6;
    if (code !== 3) return { ok: false, ms, why: `exit ${code}` };
    const why = await leftBehind(run, out, 'failed');
    return why === null ? { ok: true, ms } : { ok: false, ms, why };
  } finally {
    spawnSync('umount', [fs]);
  }
}

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const d = mkdtempSync(join(tmpdir(), 'splitsim-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', d]).status === 0;
  if (ok) spawnSync('umount', [d]);
  return ok;
})();

const CASES: Record<string, () => Promise<Trial>> = {
  'SIGINT mid-run, in-process': () => signalCase('SIGINT', 'inline', 'mid-run'),
  'SIGTERM mid-run, threads': () => signalCase('SIGTERM', 'thread', 'mid-run'),
  'SIGHUP mid-run, processes': () => signalCase('SIGHUP', 'process', 'mid-run'),
  'SIGINT mid-run, processes': () => signalCase('SIGINT', 'process', 'mid-run'),
  'SIGINT at start-up, processes': () => signalCase('SIGINT', 'process', 'start-up'),
  'SIGTERM at start-up, threads': () => signalCase('SIGTERM', 'thread', 'start-up'),
  'SIGHUP at start-up, in-process': () => signalCase('SIGHUP', 'inline', 'start-up'),
  'double SIGINT, processes': () => signalCase('SIGINT', 'process', 'mid-run', true),
  'second SIGINT while writing outputs': signalWhileWriting,
  'kill -9 coordinator (to no orphan)': killCoordinator,
  'exception in an instance, threads': () => instanceException('thread'),
  'exception in an instance, processes': () => instanceException('process'),
  'instance process killed': instanceKilled,
  '--out is a file (start to exit)': () => outRefused('file'),
  '--out /proc/x (start to exit)': () => outRefused('proc'),
  '--out not empty (start to exit)': () => outRefused('non-empty'),
  ...(canMount ? { 'disk fills mid-run (tmpfs)': diskFills } : {}),
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

if (process.argv.includes('--help')) {
  console.log(`usage: scripts/stress-faults.sh [--trials 50] [--only substring]\ncases:\n  ${Object.keys(CASES).join('\n  ')}`);
  process.exit(0);
}
const trials = Number(arg('trials', '50'));
const only = arg('only', '');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const load0 = loadavg();
const started = new Date();
const rows: string[][] = [];
for (const [name, run] of Object.entries(CASES)) {
  if (only && !name.includes(only)) continue;
  const results: Trial[] = [];
  const loads: number[] = [];
  for (let i = 0; i < trials; i++) {
    loads.push(loadavg()[0]!);
    try {
      results.push(await run());
    } catch (err) {
      results.push({ ok: false, ms: NaN, why: (err as Error).message });
    }
    const last = results.at(-1)!;
    if (!last.ok) process.stderr.write(`  ${name}, trial ${i + 1}: ${last.why}\n`);
  }
  const ms = results.map((r) => r.ms).filter(Number.isFinite);
  const row = [name, String(trials), String(results.filter((r) => r.ok).length), median(ms).toFixed(0), Math.max(...ms).toFixed(0), `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`];
  rows.push(row);
  process.stderr.write(`${row.join(' | ')}\n`);
}
console.log(`\nstress-faults: ${started.toISOString()}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; load average ${load0.map((l) => l.toFixed(1)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
console.log('| fault | trials | correct endings | median ms | max ms | load (1-min) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
