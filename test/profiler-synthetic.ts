/**
 * Writes synthetic profile logs (format version 1, docs/profile-format.md) for the profiler's
 * tests and docs: test/fixtures/profile-{unbalanced4,balanced4,dc36}/. They are checked in, so the
 * tests read recorded files; this script says how they were made and makes them again:
 *   node --import tsx test/profiler-synthetic.ts
 *
 * The model is the steady state of conservative synchronization: every instance advances at the
 * speed of the slowest, so an instance with `work` wall seconds of computing per simulated second
 * is busy work / max(work) of its wall time and waits for the rest. It waits mostly on the
 * neighbours one hop closer to the bottleneck (their promises arrive last), a little on the
 * others. Start-up (all busy building, little simulated time) and the end (all idle) are distorted
 * on purpose, so that dropping warm-up and cool-down samples matters.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SyntheticInstance {
  name: string;
  components: number;
  /** Wall seconds of computing per simulated second. */
  work: number;
}

export interface SyntheticRun {
  config: string;
  instantiation: string;
  instances: SyntheticInstance[];
  channels: [string, string][];
  /** Profile interval, wall seconds. */
  interval: number;
  /** Sample lines per instance, the final line included. */
  samples: number;
  seed: number;
  /** Events per component per simulated second. */
  eventRate: number;
  /** Wall seconds per simulated second of the busiest instance: sets the speed. */
  slowdown: number;
  /** Share of wall time even the busiest instance waits (promises arrive a little late in lockstep). */
  baseWait: number;
}

const START_NS = 1_760_000_000_000_000_000;

/** A small deterministic generator (mulberry32), so that the files are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function channelName(a: string, b: string): string {
  return `${a}~${b}`;
}

/** Hops from every instance to the nearest instance of largest work. */
function distances(run: SyntheticRun): Map<string, number> {
  const maxWork = Math.max(...run.instances.map((i) => i.work));
  const dist = new Map<string, number>();
  const queue = run.instances.filter((i) => i.work === maxWork).map((i) => i.name);
  for (const n of queue) dist.set(n, 0);
  for (let k = 0; k < queue.length; k++) {
    const n = queue[k]!;
    for (const [a, b] of run.channels) {
      const other = a === n ? b : b === n ? a : null;
      if (other !== null && !dist.has(other)) {
        dist.set(other, dist.get(n)! + 1);
        queue.push(other);
      }
    }
  }
  return dist;
}

export function synthesize(run: SyntheticRun, dir: string): void {
  const random = rng(run.seed);
  const maxWork = Math.max(...run.instances.map((i) => i.work));
  const speed = 1 / (maxWork * run.slowdown); // simulated seconds per wall second
  const dist = distances(run);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'profile'), { recursive: true });

  const ids = new Map(run.instances.map((inst, i) => [inst.name, i]));
  let next = 0;
  const plan = {
    version: 1,
    config: run.config,
    instantiation: run.instantiation,
    seed: run.seed,
    // Trimmed to what the profiler reads: component and link records are left out.
    components: [],
    links: [],
    instances: run.instances.map((inst, i) => ({ id: i, name: inst.name, components: Array.from({ length: inst.components }, () => next++), placement: { kind: 'thread' } })),
    channels: run.channels.map(([a, b], i) => ({ id: i, name: channelName(a, b), a: ids.get(a), b: ids.get(b), links: [], lookahead: 1_000_000, syncInterval: 1_000_000 })),
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 1) + '\n');

  let wallEnd = 0;
  for (const inst of run.instances) {
    const ends = run.channels.filter(([a, b]) => a === inst.name || b === inst.name).map(([a, b]) => ({ channel: channelName(a, b), peer: a === inst.name ? b : a }));
    // Each channel end costs a little receiving, sending and syncing, more with more traffic.
    const overhead = { rx: 0.006, tx: 0.005, sync: 0.002 };
    const inChannels = ends.length * (overhead.rx + overhead.tx + overhead.sync);
    const computing = (inst.work / maxWork) * (1 - run.baseWait - inChannels);
    const waitTotal = 1 - computing - inChannels;
    const d = dist.get(inst.name) ?? 0;
    const closer = ends.filter((e) => (dist.get(e.peer) ?? 0) < d);
    const spreadEvenly = d === 0 || closer.length === ends.length;
    const weights = ends.map((e) => (spreadEvenly ? 1 / ends.length : closer.includes(e) ? 0.85 / closer.length : 0.15 / (ends.length - closer.length)));
    const cum = ends.map(() => ({ waitNs: 0, rxNs: 0, txNs: 0, syncNs: 0, rxMsgs: 0, txMsgs: 0, syncMsgs: 0 }));
    const phase = random() * 0.05 * run.interval;
    const startNs = START_NS + Math.round(random() * 2e6);
    let wall = 0;
    let sim = 0;
    let events = 0;
    const lines: string[] = [];
    for (let k = 1; k <= run.samples; k++) {
      const final = k === run.samples;
      const warm = k === 1;
      const dt = (final ? 0.3 : 1) * run.interval + (k === 1 ? phase : 0);
      // Start-up: everyone builds components and barely advances; the end: everyone idles.
      const simDt = warm ? 0.1 * speed * dt : final ? 0.2 * speed * dt : speed * dt * (1 + (random() - 0.5) * 0.01);
      const waitShare = warm ? 0.02 : final ? 0.9 : waitTotal * (1 + (random() - 0.5) * 0.06);
      wall += dt;
      sim += simDt;
      events += Math.round(inst.components * run.eventRate * simDt);
      ends.forEach((_, j) => {
        const c = cum[j]!;
        c.waitNs += Math.round(dt * 1e9 * waitShare * weights[j]!);
        c.rxNs += Math.round(dt * 1e9 * overhead.rx * (1 + (random() - 0.5) * 0.1));
        c.txNs += Math.round(dt * 1e9 * overhead.tx * (1 + (random() - 0.5) * 0.1));
        c.syncNs += Math.round(dt * 1e9 * overhead.sync * (1 + (random() - 0.5) * 0.1));
        const traffic = dt * (warm ? 2e3 : 2e4);
        c.rxMsgs += Math.round(traffic * (1 + random() * 0.1));
        c.txMsgs += Math.round(traffic * (1 + random() * 0.1));
        c.syncMsgs += Math.round(traffic * 0.3);
      });
      const line = {
        v: 1,
        instance: inst.name,
        wallNs: startNs + Math.round(wall * 1e9),
        startNs,
        simPs: Math.round(sim * 1e12),
        events,
        channels: ends.map((e, j) => ({ channel: e.channel, peer: e.peer, ...cum[j]! })),
        final,
        ...(final ? { status: 'completed' } : {}),
      };
      lines.push(JSON.stringify(line));
    }
    wallEnd = Math.max(wallEnd, wall);
    writeFileSync(join(dir, 'profile', `${inst.name}.jsonl`), lines.join('\n') + '\n');
  }
  const info = { status: 'completed', config: run.config, instantiation: run.instantiation, seed: run.seed, instances: run.instances.length, wallSeconds: +wallEnd.toFixed(3), synthetic: true };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(info, null, 1) + '\n');
}

function mesh(names: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out.push([names[i]!, names[j]!]);
  return out;
}

const phold = (work: number[]): SyntheticInstance[] => work.map((w, i) => ({ name: `i${i}`, components: 100 * Math.round(w), work: w }));

/** The fixtures: a PHOLD with one instance 4× loaded, the same balanced, and a 36-instance datacenter. */
export const FIXTURES: Record<string, SyntheticRun> = {
  'profile-unbalanced4': { config: 'phold', instantiation: 'unbalanced4', instances: phold([4, 1, 1, 1]), channels: mesh(['i0', 'i1', 'i2', 'i3']), interval: 0.2, samples: 12, seed: 4, eventRate: 2e7, slowdown: 1000, baseWait: 0.03 },
  'profile-balanced4': { config: 'phold', instantiation: 'balanced4', instances: phold([1, 0.97, 1, 0.98]), channels: mesh(['i0', 'i1', 'i2', 'i3']), interval: 0.2, samples: 12, seed: 5, eventRate: 2e7, slowdown: 1000, baseWait: 0.12 },
  'profile-dc36': datacenter36(),
};

/** Core switch, 5 aggregation blocks, 6 racks each; rack ab3.r2 holds the detailed hosts and is 3× the work of a rack. */
function datacenter36(): SyntheticRun {
  const instances: SyntheticInstance[] = [{ name: 'core', components: 1, work: 0.7 }];
  const channels: [string, string][] = [];
  for (let b = 0; b < 5; b++) {
    instances.push({ name: `ab${b}`, components: 7, work: 0.5 });
    channels.push(['core', `ab${b}`]);
    for (let r = 0; r < 6; r++) {
      const detailed = b === 3 && r === 2;
      instances.push({ name: `ab${b}.r${r}`, components: 41, work: detailed ? 3 : 0.9 + 0.02 * ((b * 6 + r) % 5) });
      channels.push([`ab${b}`, `ab${b}.r${r}`]);
    }
  }
  return { config: 'datacenter', instantiation: 'cr', instances, channels, interval: 1, samples: 10, seed: 36, eventRate: 7e6, slowdown: 500, baseWait: 0.02 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('./fixtures/', import.meta.url).pathname;
  for (const [name, run] of Object.entries(FIXTURES)) {
    synthesize(run, join(root, name));
    process.stdout.write(`wrote ${join(root, name)}\n`);
  }
}
