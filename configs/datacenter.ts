/**
 * The datacenter of the SplitSim paper: one core switch, aggregation blocks × racks × hosts
 * (default 5 × 6 × 40 = 1200 hosts). A share of the hosts sends background TCP bulk transfers to
 * random hosts; a few hosts are simulated in detail (host + NIC joined by a PCI link) and run an
 * RPC service: the first a server, the others its clients. The instantiations are the paper's
 * partitions of this one system, plus a hand-made one and a graph-partitioned one.
 *
 *   splitsim plan configs/datacenter.ts --list
 *   splitsim plan configs/datacenter.ts --inst cr3
 */
import { z, ab, ac, balanced, cr, crK, datacenter, defineConfig, hostPath, manual, Rng, rs, s, System, US, type AppInput, type ComponentMetrics, type Instantiation, type ModelRule } from 'splitsim';

const quantity = z.union([z.string(), z.number()]);

const params = z
  .object({
    blocks: z.number().int().positive().default(5),
    racksPerBlock: z.number().int().positive().default(6),
    hostsPerRack: z.number().int().positive().default(40),
    /** Share of the (protocol-level) hosts that each send one bulk transfer to a random host. */
    sendingShare: z.number().min(0).max(1).default(0.5),
    /** Bytes per bulk transfer; unlimited (until the run ends) by default. */
    bulkBytes: z.number().int().positive().optional(),
    congestion: z.enum(['reno', 'dctcp']).default('dctcp'),
    /** Hosts simulated in detail, spread evenly over the datacenter. */
    detailedHosts: z.number().int().nonnegative().default(7),
    /** RPCs each detailed client keeps outstanding. */
    rpcConcurrency: z.number().int().positive().default(4),
    /** Seed of the traffic pattern (who sends to whom); the run seed is separate. */
    trafficSeed: z.number().int().default(1),
    coreBandwidth: quantity.default('100Gbps'),
    uplinkBandwidth: quantity.default('40Gbps'),
    hostBandwidth: quantity.default('10Gbps'),
    latency: quantity.default('500ns'),
    /** ECN marking threshold of every switch port, packets (DCTCP's K). */
    ecnThreshold: z.number().int().positive().default(65),
    /** Every host acknowledges every this many segments (2: delayed ACK, as ns-3's default DelAckCount in the paper's runs; 1: each at once). */
    ackEvery: z.number().int().positive().default(2),
  })
  .strict()
  .refine((p) => p.detailedHosts <= p.blocks * p.racksPerBlock * p.hostsPerRack, { message: 'detailedHosts is more than there are hosts', path: ['detailedHosts'] });

type Params = z.output<typeof params>;

/** Indices of the detailed hosts: evenly spread, so they land in different racks and blocks. */
export function detailedHostIndices(p: Params): number[] {
  const hosts = p.blocks * p.racksPerBlock * p.hostsPerRack;
  return Array.from({ length: p.detailedHosts }, (_, i) => Math.floor(((i + 0.5) * hosts) / p.detailedHosts));
}

function pathOfIndex(p: Params, index: number): string {
  const perBlock = p.racksPerBlock * p.hostsPerRack;
  return hostPath(Math.floor(index / perBlock), Math.floor((index % perBlock) / p.hostsPerRack), index % p.hostsPerRack);
}

/** The applications of every host, decided before the system is built (they name other hosts). */
function traffic(p: Params): AppInput[][] {
  const hosts = p.blocks * p.racksPerBlock * p.hostsPerRack;
  const apps: AppInput[][] = Array.from({ length: hosts }, () => [{ type: 'tcp-sink' }]);
  const detailed = detailedHostIndices(p);
  const server = detailed[0];
  detailed.forEach((index, i) => {
    apps[index]!.push(i === 0 ? { type: 'rpc-server' } : { type: 'rpc-client', server: pathOfIndex(p, server!), concurrency: p.rpcConcurrency });
  });
  const isDetailed = new Set(detailed);
  const candidates = Array.from({ length: hosts }, (_, i) => i).filter((i) => !isDetailed.has(i));
  const rng = new Rng(p.trafficSeed, 0);
  // Fisher-Yates: the first share of a seeded shuffle sends.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const senders = candidates.slice(0, Math.round(p.sendingShare * candidates.length)).sort((x, y) => x - y);
  if (hosts > 1) {
    for (const index of senders) {
      let dst = rng.int(hosts - 1);
      if (dst >= index) dst++;
      apps[index]!.push({ type: 'tcp-bulk', dst: pathOfIndex(p, dst), congestion: p.congestion, ...(p.bulkBytes === undefined ? {} : { bytes: p.bulkBytes }) });
    }
  }
  return apps;
}

export function datacenterSystem(p: Params): System {
  const apps = traffic(p);
  const detailed = new Set(detailedHostIndices(p));
  const tcp = { ackEvery: p.ackEvery };
  const system = new System('datacenter');
  datacenter({
    system,
    blocks: p.blocks,
    racksPerBlock: p.racksPerBlock,
    hostsPerRack: p.hostsPerRack,
    coreBandwidth: p.coreBandwidth,
    uplinkBandwidth: p.uplinkBandwidth,
    hostBandwidth: p.hostBandwidth,
    latency: p.latency,
    switch: { ecnThreshold: p.ecnThreshold, buffer: Math.max(p.ecnThreshold, 100) },
    host: (slot) => ({ cores: detailed.has(slot.index) ? 8 : 1, apps: apps[slot.index]!, tcp }),
    nic: (slot) => detailed.has(slot.index),
  });
  return system;
}

/** Protocol-level switches and hosts; the hosts behind a NIC, and their NICs, in detail. */
function models(p: Params): ModelRule[] {
  const detailed = new Set(detailedHostIndices(p).map((i) => pathOfIndex(p, i)));
  return [
    { kind: 'switch', model: 'switch.packet' },
    { kind: 'nic', model: 'nic.detailed' },
    { kind: 'host', where: (c) => detailed.has(c.path), model: 'host.detailed' },
    { kind: 'host', model: 'host.protocol' },
  ];
}

/**
 * By hand: the core and aggregation switches together; each rack that holds a detailed host in
 * its own process (detailed hosts cost the most per packet); the other racks by block, in threads.
 */
function custom(p: Params): Instantiation {
  const hot = [...new Set(detailedHostIndices(p).map((i) => pathOfIndex(p, i).split('/').slice(0, 2).join('/')))];
  const instances: Record<string, string[]> = { spine: ['core', '*/agg'] };
  hot.forEach((rack) => (instances[`hot-${rack.replace('/', '-')}`] = [`${rack}/**`]));
  for (let b = 0; b < p.blocks; b++) instances[`block${b}`] = [`block${b}/**`];
  return {
    description: 'by hand: spine, each rack with a detailed host in its own process, the rest by block',
    models: models(p),
    partition: manual(instances),
    placement: (inst) => (inst.name.startsWith('hot-') ? 'process' : 'thread'),
  };
}

/**
 * Two instances, one per core of a small machine: the switches with the first 40 % of the racks,
 * the other racks apart. The switches carry every packet that leaves a rack, about as much work
 * as a fifth of the racks at 30 % sending: the WTPG of a half-and-half split by racks named the
 * switches' instance (1.5× the other's work), one with 30 % of the racks named the other.
 */
function halves(p: Params): Instantiation {
  const racks: string[] = [];
  for (let b = 0; b < p.blocks; b++) for (let r = 0; r < p.racksPerBlock; r++) racks.push(`block${b}/rack${r}/**`);
  const first = Math.round(racks.length * 0.4);
  return {
    description: 'two instances: the switches with 40 % of the racks, the other racks',
    models: models(p),
    partition: manual({ a: ['core', '*/agg', ...racks.slice(0, first)], b: racks.slice(first) }),
  };
}

export interface DatacenterFigures {
  /** Packets received by hosts (protocol-level and detailed). */
  delivered: number;
  /** Payload bytes TCP handed to applications, and packets dropped or ECN-marked at switches. */
  tcpBytes: number;
  drops: number;
  ecnMarks: number;
  rpcCompleted: number;
  /** Mean and 99th percentile RPC latency at the detailed clients (ps), null before the first. */
  rpcLatency: number | null;
  rpcP99: number | null;
}

/** The headline figures of a datacenter run, from its metrics. */
export function datacenterFigures(metrics: readonly ComponentMetrics[]): DatacenterFigures {
  const f: DatacenterFigures = { delivered: 0, tcpBytes: 0, drops: 0, ecnMarks: 0, rpcCompleted: 0, rpcLatency: null, rpcP99: null };
  let latencySum = 0;
  let latencyCount = 0;
  let p99 = 0;
  for (const m of metrics) {
    const s = m.stats as Record<string, number | undefined>;
    if (m.model === 'switch.packet') {
      f.drops += s.drops ?? 0;
      f.ecnMarks += s.ecnMarks ?? 0;
    }
    if (!m.model.startsWith('host.')) continue;
    f.delivered += s.rxPackets ?? 0;
    f.tcpBytes += s.tcpDeliveredBytes ?? 0;
    f.rpcCompleted += s.rpcCompleted ?? 0;
    const lat = m.stats.rpcLatency as { count: number; mean: number } | undefined;
    const q = m.stats.rpcLatencyQuantiles as { count: number; p99: number } | undefined;
    if (lat && lat.count > 0) {
      latencySum += lat.count * lat.mean;
      latencyCount += lat.count;
    }
    // The slowest client's p99: quantile sketches of different clients do not add up.
    if (q && q.count > 0 && q.p99 > p99) p99 = q.p99;
  }
  if (latencyCount > 0) {
    f.rpcLatency = latencySum / latencyCount;
    f.rpcP99 = p99;
  }
  return f;
}

const paperPartition = (description: string, partition: Instantiation['partition']) => (_: System, p: Params) => ({ description, models: models(p), partition });

export default defineConfig({
  name: 'datacenter',
  description: 'SplitSim datacenter: core, aggregation blocks, racks of hosts; background bulk TCP and a few detailed RPC hosts',
  params,
  system: datacenterSystem,
  instantiations: {
    s: paperPartition('everything in one instance', s),
    ab: paperPartition('one instance per aggregation block (the core joins the first)', ab),
    ac: paperPartition('one instance per aggregation block, plus the core', ac),
    cr: paperPartition('core and aggregation switches, plus one instance per rack', cr),
    cr3: paperPartition('core and aggregation switches, plus one instance per 3 racks', crK(3)),
    cr6: paperPartition('core and aggregation switches, plus one instance per 6 racks', crK(6)),
    rs: paperPartition('the core, each aggregation switch, each rack', rs),
    custom: (_, p) => custom(p),
    halves: (_, p) => halves(p),
    auto8: paperPartition('graph partitioner, 8 instances of balanced estimated load', balanced(8)),
  },
  defaultInstantiation: 'cr3',
  run: { until: '10ms', seed: 1 },
  summary(metrics) {
    const f = datacenterFigures(metrics);
    const figures = [
      { name: 'packets delivered to hosts', value: f.delivered },
      { name: 'TCP payload delivered', value: f.tcpBytes / 1e6, unit: 'MB' },
      { name: 'switch drops', value: f.drops },
      { name: 'ECN marks', value: f.ecnMarks },
      { name: 'RPCs completed', value: f.rpcCompleted },
    ];
    if (f.rpcLatency !== null) figures.push({ name: 'RPC latency, mean', value: f.rpcLatency / US, unit: 'µs' }, { name: 'RPC latency, p99', value: f.rpcP99! / US, unit: 'µs' });
    return figures;
  },
});
