/**
 * `npm run bench -- compare --a <checkout> --b <checkout> [--scenario datacenter|fattree] [--pairs 20] [--json]`
 *
 * Two checkouts of this project (each with its node_modules) in one process: loads the kernel,
 * instantiation, runtime and the scenario's config from each, then runs the scenario alternately
 * (A B, B A, …, after one warm-up run each) and reports, per pair, the CPU time (user + system)
 * and wall time of each run and their ratios B / A, with the median over the pairs. Both sides
 * see the same machine, moment by moment, which is what makes a ratio on a shared, loaded
 * machine mean something. Scenarios: the datacenter `s` bench (30 % sending, 2 ms) and the
 * fat-tree k=8 rack bench (20 ms).
 */
import { benchArgs } from './args.ts';

type Run = () => { cpu: number; wall: number; events: number };

async function load(root: string, scenario: string): Promise<Run> {
  const kernel = await import(`${root}/packages/kernel/src/index.ts`);
  const inst = await import(`${root}/packages/instantiation/src/index.ts`);
  const rt = await import(`${root}/packages/runtime/src/index.ts`);
  const cfg = (await import(`${root}/configs/${scenario}.ts`)).default;
  const dc = scenario === 'datacenter';
  const params = cfg.params.parse(dc ? { sendingShare: 0.3 } : { k: 8, workload: 'rack' });
  const until = kernel.parseTime(dc ? '2ms' : '20ms', 'until');
  const name = dc ? 's' : 'single';
  return () => {
    const system = cfg.system(params);
    const plan = inst.instantiate(system, cfg.instantiations[name](system, params), { config: scenario, instantiation: name, seed: 1 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { result } = rt.runSequential(plan, { until });
    const c = process.cpuUsage(c0);
    return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1e3, events: result.events };
  };
}

export async function run(args: string[]): Promise<void> {
  const o = benchArgs(args, { a: '', b: '', scenario: 'datacenter', pairs: 20 });
  if (!o.a || !o.b) throw new Error('--a and --b: two checkouts to compare');
  const a = await load(o.a, o.scenario);
  const b = await load(o.b, o.scenario);
  a();
  b();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < o.pairs; i++) {
    const first = i % 2 === 0;
    const ra = first ? a() : undefined;
    const rb = b();
    const rA = ra ?? a();
    cpu.push(rb.cpu / rA.cpu);
    wall.push(rb.wall / rA.wall);
    if (!o.json) console.log(`pair ${i + 1}: A ${rA.cpu.toFixed(3)} s cpu, ${rA.wall.toFixed(3)} s wall | B ${rb.cpu.toFixed(3)} s cpu, ${rb.wall.toFixed(3)} s wall | B/A cpu ${(rb.cpu / rA.cpu).toFixed(3)}, wall ${(rb.wall / rA.wall).toFixed(3)}`);
  }
  const q = (x: number[], f: number) => [...x].sort((p, r) => p - r)[Math.min(x.length - 1, Math.floor(f * x.length))]!;
  const out = { bench: 'compare', scenario: o.scenario, pairs: o.pairs, cpu: { median: q(cpu, 0.5), q1: q(cpu, 0.25), q3: q(cpu, 0.75) }, wall: { median: q(wall, 0.5), q1: q(wall, 0.25), q3: q(wall, 0.75) } };
  if (o.json) console.log(JSON.stringify(out));
  else console.log(`${o.scenario}: B/A cpu median ${out.cpu.median.toFixed(3)} (quartiles ${out.cpu.q1.toFixed(3)}–${out.cpu.q3.toFixed(3)}), wall median ${out.wall.median.toFixed(3)} over ${o.pairs} pairs`);
}
