/**
 * The fault trials of test/distributed-faults.test.ts, many times each: a runner killed, its
 * network cut, SIGINT to the coordinator, a runner restarted during the run. For each fault it
 * prints how many trials ended as documented (exit code, message naming the runner, run
 * directory kept, nothing left on any runner) and the time from fault to the coordinator's exit
 * (min, median, 95th percentile, max, and how many within 2 s), then a JSON line of the same.
 * Usage: node --import tsx scripts/stress-distributed.ts [trials per fault, default 50] [fault...]
 */
import { uptime, loadavg, cpus } from 'node:os';
import { testNet } from '../test/support/netns.ts';
import { tokenFile } from '../test/support/runners.ts';
import { cluster, EXPECTED, FAULTS, trial, type Fault, type TrialResult } from '../test/support/faults.ts';

const n = Number(process.argv[2] ?? 50);
const chosen = (process.argv.slice(3).length > 0 ? process.argv.slice(3) : FAULTS) as Fault[];
for (const f of chosen) if (!FAULTS.includes(f)) throw new Error(`no fault ${f}; faults: ${FAULTS.join(', ')}`);

/** Why a trial did not end as documented, or null. */
function problem(r: TrialResult): string | null {
  const want = EXPECTED[r.fault];
  if (r.code !== want.code) return `exit ${r.code}, not ${want.code}: ${r.stderr.trim().split('\n').pop()}`;
  if (!want.message.test(r.stderr)) return `message: ${r.stderr.trim().split('\n').pop()}`;
  for (const f of ['plan.json', 'run.json', 'run.log']) if (!r.kept.includes(f)) return `run directory lacks ${f}`;
  const left = r.after.findIndex((s) => s.runs > 0 || s.instances > 0);
  if (left >= 0) return `runner ${'abc'[left]} still serves ${r.after[left]!.runs} run(s), ${r.after[left]!.instances} instance(s)`;
  return null;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const net = await testNet(3);
const c = await cluster(net, tokenFile());
console.log(`stress: ${n} trials of ${chosen.join(', ')}; network ${net.mode}${net.why ? ` (${net.why})` : ''}; ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const summary: Record<string, unknown> = {};
let failed = 0;
try {
  for (const fault of chosen) {
    const ms: number[] = [];
    const problems: string[] = [];
    const load0 = loadavg()[0]!;
    for (let i = 0; i < n; i++) {
      const r = await trial(c, fault);
      ms.push(r.ms);
      const p = problem(r);
      if (p) problems.push(`trial ${i + 1}: ${p}`);
      process.stderr.write(`\r${fault}: ${i + 1}/${n}, ${problems.length} not as documented`);
    }
    process.stderr.write('\n');
    ms.sort((a, b) => a - b);
    const within2s = ms.filter((x) => x <= 2000).length;
    const s = { trials: n, ok: n - problems.length, msMin: Math.round(ms[0]!), msMedian: Math.round(pct(ms, 0.5)), msP95: Math.round(pct(ms, 0.95)), msMax: Math.round(ms[ms.length - 1]!), within2s, load: [load0, loadavg()[0]!].map((x) => Number(x.toFixed(1))) };
    summary[fault] = s;
    failed += problems.length;
    console.log(`${fault.padEnd(8)} ${s.ok}/${n} as documented; fault to exit ms: min ${s.msMin}, median ${s.msMedian}, p95 ${s.msP95}, max ${s.msMax}; ${within2s}/${n} within 2 s (load ${s.load.join(' → ')})`);
    for (const p of problems.slice(0, 10)) console.log(`  ${p}`);
  }
} finally {
  await Promise.all(c.runners.map((r) => r.stop()));
  net.close();
}
console.log(JSON.stringify({ network: net.mode, uptimeS: Math.round(uptime()), summary }));
process.exit(failed > 0 ? 1 : 0);
