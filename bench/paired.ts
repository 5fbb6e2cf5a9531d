/**
 * `npm run bench -- paired --bench <name> --args "<its options>" --a "<options of A>" --b "<options of B>"
 *   --metric <JSON path, e.g. jobsPerSec or results.0.wallSec> [--pairs 8] [--cwd-a DIR] [--cwd-b DIR] [--pin] [--json]`
 *
 * Measures B against A on a shared, noisy machine: whole processes of the benchmark `--bench`
 * run A, B, B, A, A, B… (the order flips each pair, so a drift in the machine's load falls on both
 * alike), and the figure is the ratio B / A of `--metric` pair by pair: its median and range, and
 * the same for the processes' whole wall time and CPU time (all threads; a loaded machine disturbs
 * it far less than wall time). `--cwd-a`/`--cwd-b` run A and B from two checkouts
 * (the code before and after a change); `--pin` gives every process the same one processor.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { benchArgs } from './args.ts';

function field(obj: unknown, path: string): number {
  let v: unknown = obj;
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  if (typeof v !== 'number') throw new Error(`--metric ${path}: not a number in ${JSON.stringify(obj).slice(0, 300)}`);
  return v;
}

const CPU_USAGE = new URL('./cpu-usage.cjs', import.meta.url).pathname;

function once(cwd: string, bench: string, args: string[], pin: boolean): { value: unknown; wall: number; cpu: number } {
  const argv = ['--require', CPU_USAGE, '--import', 'tsx', 'bench/main.ts', bench, ...args, '--json'];
  const cmd = pin ? 'taskset' : process.execPath;
  const full = pin ? ['-c', '0', process.execPath, ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(cmd, full, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${bench} ${args.join(' ')} in ${cwd} failed:\n${r.stderr.slice(-2000)}`);
  const usage = /cpu-usage (\{.*\})/.exec(r.stderr);
  const cpu = usage ? ((u: { user: number; system: number }) => u.user + u.system)(JSON.parse(usage[1]!)) : NaN;
  return { value: JSON.parse(r.stdout.trim().split('\n').pop()!), wall, cpu };
}

const split = (s: string) => s.split(/\s+/).filter(Boolean);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(argv: string[]): Promise<void> {
  const o = benchArgs(argv, { bench: 'mmc', args: '', a: '', b: '', metric: 'jobsPerSec', pairs: 8, 'cwd-a': '.', 'cwd-b': '.', pin: false });
  const cwdA = resolve(o['cwd-a']);
  const cwdB = resolve(o['cwd-b']);
  const argsA = [...split(o.args), ...split(o.a)];
  const argsB = [...split(o.args), ...split(o.b)];
  const ratios: number[] = [];
  const wallRatios: number[] = [];
  const cpuRatios: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let p = 0; p < o.pairs; p++) {
    const runA = () => once(cwdA, o.bench, argsA, o.pin);
    const runB = () => once(cwdB, o.bench, argsB, o.pin);
    const [a, b] = p % 2 === 0 ? [runA(), runB()] : (([y, x]) => [x, y])([runB(), runA()]);
    const va = field(a.value, o.metric);
    const vb = field(b.value, o.metric);
    as.push(va);
    bs.push(vb);
    ratios.push(vb / va);
    wallRatios.push(b.wall / a.wall);
    cpuRatios.push(b.cpu / a.cpu);
    if (!o.json) console.log(`pair ${p + 1}: A ${va.toPrecision(4)}  B ${vb.toPrecision(4)}  B/A ${(vb / va).toFixed(3)}  (process wall B/A ${(b.wall / a.wall).toFixed(3)}, CPU ${(b.cpu / a.cpu).toFixed(3)})`);
  }
  const out = {
    bench: 'paired',
    of: o.bench,
    args: o.args,
    a: o.a,
    b: o.b,
    cwdA: o['cwd-a'],
    cwdB: o['cwd-b'],
    metric: o.metric,
    pairs: o.pairs,
    pinned: o.pin,
    medianA: median(as),
    medianB: median(bs),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    wallRatio: median(wallRatios),
    wallRatioMin: Math.min(...wallRatios),
    wallRatioMax: Math.max(...wallRatios),
    cpuRatio: median(cpuRatios),
    cpuRatioMin: Math.min(...cpuRatios),
    cpuRatioMax: Math.max(...cpuRatios),
    loadAverage: (await import('node:os')).loadavg().map((l) => +l.toFixed(1)),
  };
  if (o.json) console.log(JSON.stringify(out));
  else console.log(`B/A ${o.metric}: median ${out.ratio.toFixed(3)} (${out.ratioMin.toFixed(3)}–${out.ratioMax.toFixed(3)}) over ${o.pairs} pairs; process wall ${out.wallRatio.toFixed(3)} (${out.wallRatioMin.toFixed(3)}–${out.wallRatioMax.toFixed(3)}); process CPU time ${out.cpuRatio.toFixed(3)} (${out.cpuRatioMin.toFixed(3)}–${out.cpuRatioMax.toFixed(3)})`);
}
