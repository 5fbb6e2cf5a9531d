/**
 * `npm run bench -- datacenter --inst <name|all> --duration 2ms --sending 0.3 [--ackEvery 1|2] [--json]`
 * (`--remote`: on runners, bench/datacenter-remote.ts)
 *
 * configs/datacenter.ts (1200 hosts by default) built exactly as `splitsim run` builds it
 * (system → routing → instantiation → plan) and run the same way (with `--progress`, the live
 * terminal line `splitsim run` draws, written nowhere; with `--record 10us`, links sampled): one instance in this thread
 * (runSequential), several through the parallel runtime (runParallel: worker threads or child
 * processes as the plan places them). A sequential run is timed from its first event to its
 * last, a parallel one from its start signal, so start-up is not counted in either. `--inst all`
 * runs every instantiation of the config, one after another. Reports, per instantiation, packets
 * delivered to hosts, packets per wall second, simulated seconds per wall second and the RPC
 * latency of the detailed hosts. `--ackEvery 1` turns the config's delayed ACKs off (every segment
 * acknowledged at once), for figures comparable with runs from before they existed.
 */
import { parseTime, toSeconds, US, type ComponentMetrics } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, recordSettings, runParallel, runSequential, withRecord } from '@splitsim/runtime';
import { liveProgress } from './live-progress.ts';
import config, { datacenterFigures } from '../configs/datacenter.ts';
import { benchArgs } from './args.ts';

interface Figures {
  instantiation: string;
  instances: number;
  packetsDelivered: number;
  packetsPerSec: number;
  simPerWall: number;
  wallSec: number;
  cpuSec: number;
  events: number;
  rpcCompleted: number;
  rpcLatencyUs: number | null;
}

/** What `splitsim run` adds to a run when asked: a live progress line (drawn into a counter here) and recording. */
export interface RunExtras {
  progress: boolean;
  record: string;
}

async function runOne(name: string, until: number, sending: number, seed: number, ackEvery: number, extras: RunExtras = { progress: false, record: '' }): Promise<Figures> {
  const params = config.params.parse({ sendingShare: sending, ...(ackEvery > 0 ? { ackEvery } : {}) });
  const system = config.system(params);
  const build = config.instantiations[name];
  if (!build) throw new Error(`datacenter has no instantiation "${name}" (available: ${Object.keys(config.instantiations).join(', ')}, all)`);
  let plan = instantiate(system, build(system, params), { config: config.name, instantiation: name, seed });
  if (extras.record) plan = withRecord(plan, recordSettings(extras.record, until));
  const progress = extras.progress ? liveProgress(until) : undefined;
  let metrics: ComponentMetrics[];
  let wallSec: number;
  let result: { events: number; now: number };
  // CPU time of the whole process, worker threads included: what a loaded, shared machine disturbs least.
  const cpu0 = process.cpuUsage();
  if (plan.instances.length === 1) ({ result, metrics, wallSeconds: wallSec } = completed(runSequential(plan, { until, ...(progress ? { progress, progressMs: 200 } : {}) })));
  else {
    const par = await runParallel(plan, { until, ...(progress ? { progress, progressMs: 200 } : {}) });
    if (par.status !== 'completed' || !par.metrics) throw new Error(`${name}: parallel run ${par.status}: ${par.failure ? JSON.stringify(par.failure) : ''}`);
    ({ result, metrics } = { result: par.result, metrics: par.metrics });
    wallSec = par.runSeconds;
  }
  const cpu = process.cpuUsage(cpu0);
  const f = datacenterFigures(metrics);
  return {
    instantiation: name,
    instances: plan.instances.length,
    packetsDelivered: f.delivered,
    packetsPerSec: f.delivered / wallSec,
    simPerWall: toSeconds(result.now) / wallSec,
    wallSec,
    cpuSec: (cpu.user + cpu.system) / 1e6,
    events: result.events,
    rpcCompleted: f.rpcCompleted,
    rpcLatencyUs: f.rpcLatency === null ? null : f.rpcLatency / US,
  };
}

export async function run(args: string[]): Promise<void> {
  // ackEvery 0: the config's default.
  const o = benchArgs(args, { inst: 's', duration: '2ms', sending: 0.3, seed: 1, ackEvery: 0, progress: false, record: '', remote: false });
  // --remote: two instances on two runners against both on one runner (bench/datacenter-remote.ts).
  if (o.remote) return (await import('./datacenter-remote.ts')).remoteDatacenter({ ...o, duration: args.includes('--duration') ? o.duration : '500us' });
  const until = parseTime(o.duration, '--duration');
  const names = o.inst === 'all' ? Object.keys(config.instantiations) : o.inst.split(',');
  const results: Figures[] = [];
  for (const name of names) {
    const r = await runOne(name, until, o.sending, o.seed, o.ackEvery, { progress: o.progress, record: o.record });
    results.push(r);
    if (!o.json) {
      console.log(
        `${name.padEnd(7)} ${String(r.instances).padStart(3)} instance(s)  ${r.packetsDelivered.toLocaleString('en')} packets in ${r.wallSec.toFixed(2)} s wall  ` +
          `${(r.packetsPerSec / 1e3).toFixed(0)} k packets/s  ${(r.simPerWall * 1e3).toFixed(3)} ms simulated/s  ` +
          `${(r.events / r.wallSec / 1e6).toFixed(2)} M events/s  RPC ${r.rpcLatencyUs === null ? '-' : `${r.rpcLatencyUs.toFixed(2)} µs (${r.rpcCompleted})`}`,
      );
    }
  }
  if (o.json) console.log(JSON.stringify({ bench: 'datacenter', duration: o.duration, sending: o.sending, seed: o.seed, ackEvery: o.ackEvery || 'default', progress: o.progress, record: o.record || null, results }));
}

