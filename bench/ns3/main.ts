/**
 * `npm run bench -- ns3 [--only a,b] [--markdown] [--json]`: the comparison harness. Each scenario
 * (scenarios.ts) runs on our simulator twice, with TCP matched to ns-3.37's (RFC 6675 without
 * RACK, no send jitter) and with our defaults, and, where Debian's libns3-dev is installed, on
 * ns-3 (sim.cc, built on first use); both sides with point-to-point framing. Reports throughput,
 * fairness, drops, ECN marks, flow completion percentiles and the wall time of each run, with the
 * ratio of ns-3's wall time to ours taken in the same run. Results: docs/validation.md.
 */
import { benchArgs } from '../args.ts';
import { buildNs3 } from './build.ts';
import { runNs3 } from './ns3.ts';
import { runOurs, type Outcome } from './ours.ts';
import { scenarios } from './scenarios.ts';

/** Our TCP with ns-3.37's loss recovery and exact timing, for like-for-like figures. */
const MATCHED = { rack: false, jitter: 0 };

interface Row {
  scenario: string;
  figure: string;
  matched: number | null;
  defaults: number | null;
  ns3: number | null;
}

function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function figures(o: Outcome, until: number): Record<string, number | null> {
  const seconds = until / 1e12;
  const tcpBytes = o.tcp.reduce((s, f) => s + f.bytes, 0);
  const f: Record<string, number | null> = { 'throughput, Gbps': ((tcpBytes + o.udpBytes) * 8) / seconds / 1e9 };
  if (o.tcp.length > 1) {
    const x = o.tcp.map((t) => t.bytes);
    const sum = x.reduce((a, b) => a + b, 0);
    f['Jain index'] = (sum * sum) / (x.length * x.reduce((a, b) => a + b * b, 0));
  }
  f['switch drops'] = o.drops;
  if (o.marks > 0) f['ECN marks'] = o.marks;
  if (o.tcp.length > 0) f['RTO timeouts'] = o.timeouts;
  const fcts = o.tcp.map((t) => t.fct).filter((t): t is number => t !== null);
  if (o.tcp.some((t) => t.fct !== null) || fcts.length > 0) {
    f['flows done'] = fcts.length;
    f['FCT p50, µs'] = quantile(fcts, 0.5) === null ? null : quantile(fcts, 0.5)! / 1e6;
    f['FCT p99, µs'] = quantile(fcts, 0.99) === null ? null : quantile(fcts, 0.99)! / 1e6;
  }
  f['wall, s'] = o.wall;
  return f;
}

const fmt = (x: number | null): string => (x === null ? '–' : Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(x < 1 ? 4 : 3));

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { only: '', markdown: false });
  const chosen = o.only ? scenarios.filter((s) => o.only.split(',').includes(s.name)) : scenarios;
  const ns3 = buildNs3();
  if ('missing' in ns3 && !o.json) console.log(`ns-3: ${ns3.missing}; running our side only\n`);
  const rows: Row[] = [];
  for (const s of chosen) {
    const isTcp = s.name !== 'fattree-rack' && s.name !== 'fattree-perm';
    // A first run of ours warms the JIT up, so that its wall time is the compiled code's, as ns-3's is.
    runOurs(s.build(MATCHED), s.until);
    const matched = figures(runOurs(s.build(MATCHED), s.until), s.until);
    const defaults = isTcp ? figures(runOurs(s.build({}), s.until), s.until) : null;
    const theirs = 'binary' in ns3 ? figures(runNs3(ns3.binary, s.build(MATCHED), s.until), s.until) : null;
    for (const k of Object.keys(matched)) rows.push({ scenario: s.name, figure: k, matched: matched[k]!, defaults: defaults?.[k] ?? null, ns3: theirs?.[k] ?? null });
    if (theirs) rows.push({ scenario: s.name, figure: 'wall, ns-3 / ours', matched: theirs['wall, s']! / matched['wall, s']!, defaults: null, ns3: null });
    if (!o.json && !o.markdown) {
      console.log(`${s.name}: ${s.what}`);
      for (const r of rows.filter((x) => x.scenario === s.name)) console.log(`  ${r.figure.padEnd(20)} ours ${fmt(r.matched).padStart(10)}  ours (defaults) ${fmt(r.defaults).padStart(10)}  ns-3 ${fmt(r.ns3).padStart(10)}`);
    }
  }
  const version = 'binary' in ns3 ? ns3.version : null;
  if (o.json) console.log(JSON.stringify({ bench: 'ns3', ns3: version, rows }));
  else if (o.markdown) {
    console.log(`ns-3 ${version ?? '(not installed)'}; ours with TCP matched to ns-3 (no RACK, no send jitter) and with our defaults; point-to-point framing on both sides.\n`);
    console.log('| scenario | figure | ours (matched) | ours (defaults) | ns-3 | ours / ns-3 |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const ratio = r.matched !== null && r.ns3 ? r.matched / r.ns3 : null;
      console.log(`| ${r.scenario} | ${r.figure} | ${fmt(r.matched)} | ${fmt(r.defaults)} | ${fmt(r.ns3)} | ${ratio === null ? '' : ratio.toFixed(3)} |`);
    }
  }
}
