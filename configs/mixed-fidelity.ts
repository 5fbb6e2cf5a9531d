/**
 * Mixed fidelity (the SplitSim paper's §4.3): a k=4 fat-tree fabric with 64 hosts (8 per rack)
 * running 32 TCP client/server pairs, clients in pods 0–1 sending bulk data to servers in pods
 * 2–3. A share `detailed` (percent) of the hosts is simulated in detail, each as host.detailed
 * plus nic.detailed joined by a PCI link; the rest are protocol-level hosts inside the network.
 * The figure of merit is the clients' total throughput; 100 % detailed is the reference.
 *
 * Instantiations: `single` (one instance) and `split` (the network with its protocol-level
 * hosts in one instance, each detailed host and each NIC in its own, as SimBricks runs them:
 * 1 + 2 × detailed hosts instances).
 *
 *   splitsim run configs/mixed-fidelity.ts --set detailed=10 --inst split
 */
import { z, defineConfig, SEC, single, switchPort, System, type AppInput, type ComponentMetrics, type Group, type Instantiation, type PartitionFn } from 'splitsim';

const params = z
  .object({
    /** Percent of the 64 hosts simulated in detail (host.detailed + nic.detailed). */
    detailed: z.number().min(0).max(100).default(0),
    /** Which hosts are detailed: the same seed picks the same hosts. */
    pickSeed: z.number().int().default(1),
    congestion: z.enum(['reno', 'dctcp']).default('reno'),
    /** Drop-tail buffer per switch port, packets. */
    buffer: z.number().int().positive().default(100),
    bandwidth: z.union([z.string(), z.number()]).default('10Gbps'),
    latency: z.union([z.string(), z.number()]).default('500ns'),
    pciLatency: z.union([z.string(), z.number()]).default('500ns'),
  })
  .strict();

export type MixedParams = z.output<typeof params>;

const K = 4;
const HOSTS_PER_RACK = 8;
const HOSTS = K * (K / 2) * HOSTS_PER_RACK; // 64

export function hostPath(i: number): string {
  const perPod = (K / 2) * HOSTS_PER_RACK;
  return `pod${Math.floor(i / perPod)}/rack${Math.floor((i % perPod) / HOSTS_PER_RACK)}/host${i % HOSTS_PER_RACK}`;
}

/** The detailed hosts: `round(share × 64)` of them, ranked by a hash of (seed, host index). */
export function detailedHosts(p: MixedParams): Set<number> {
  const rank = (i: number) => {
    let h = Math.imul(p.pickSeed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  };
  const n = Math.round((p.detailed / 100) * HOSTS);
  const order = Array.from({ length: HOSTS }, (_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
  return new Set(order.slice(0, n));
}

/**
 * The fabric of a k=4 fat tree (4 cores, 4 pods of 2 aggregation and 2 edge switches) with 8
 * hosts per edge switch instead of 2, so 64 hosts share 4:1 oversubscribed uplinks. Built here
 * because the fatTree builder fixes k/2 hosts per edge switch. Edge ports p0–p7 go to hosts,
 * p8–p9 to the aggregation switches; aggregation p0–p1 to edges, p2–p3 to cores; core p<pod>.
 */
export function mixedSystem(p: MixedParams): System {
  const system = new System(`mixed-fidelity-${p.detailed}`);
  const detailed = detailedHosts(p);
  const link = { bandwidth: p.bandwidth, latency: p.latency };
  const sw = { buffer: p.buffer };
  const cores = Array.from({ length: 4 }, (_, i) => system.add('switch', `core${i}`, { ...sw, ports: K }));
  for (let pod = 0; pod < K; pod++) {
    const aggs = [0, 1].map((a) => system.add('switch', `pod${pod}/agg${a}`, { ...sw, ports: K }));
    aggs.forEach((agg, a) => [0, 1].forEach((j) => system.link(agg.port(switchPort(2 + j)), cores[a * 2 + j]!.port(switchPort(pod)), link)));
    for (let e = 0; e < 2; e++) {
      const edge = system.add('switch', `pod${pod}/rack${e}/tor`, { ...sw, ports: HOSTS_PER_RACK + 2 });
      aggs.forEach((agg, a) => system.link(edge.port(switchPort(HOSTS_PER_RACK + a)), agg.port(switchPort(e)), link));
      for (let h = 0; h < HOSTS_PER_RACK; h++) {
        const i = (pod * 2 + e) * HOSTS_PER_RACK + h;
        const client = i < HOSTS / 2;
        const apps: AppInput[] = client ? [{ type: 'tcp-bulk', dst: hostPath(i + HOSTS / 2), congestion: p.congestion }] : [{ type: 'tcp-sink' }];
        const host = system.add('host', hostPath(i), { apps });
        if (detailed.has(i)) {
          const nic = system.add('nic', `${hostPath(i)}/nic`, {});
          system.link(host.port('pci'), nic.port('pci'), { latency: p.pciLatency });
          system.link(nic.port('eth'), edge.port(switchPort(h)), link);
        } else system.link(host.port('eth'), edge.port(switchPort(h)), link);
      }
    }
  }
  return system;
}

function models(p: MixedParams): Instantiation['models'] {
  const detailed = new Set([...detailedHosts(p)].map(hostPath));
  return [
    { kind: 'host', where: (c) => detailed.has(c.path), model: 'host.detailed' },
    { kind: 'host', model: 'host.protocol' },
    { kind: 'nic', model: 'nic.detailed' },
    { kind: 'switch', model: 'switch.packet' },
  ];
}

/** The network and protocol-level hosts together; every detailed host and every NIC alone. */
const split: PartitionFn = (system) => {
  const network: Group = { name: 'network', components: [] };
  const own: Group[] = [];
  for (const c of system.components) {
    if (c.kind === 'nic' || (c.kind === 'host' && system.links.some((l) => (l.a.component === c.id && l.a.port === 'pci') || (l.b.component === c.id && l.b.port === 'pci')))) {
      // Instance names become file names: the path with its slashes as dots.
      own.push({ name: c.path.replaceAll('/', '.'), components: [c.id] });
    } else network.components.push(c.id);
  }
  return [network, ...own];
};

/** Clients' total throughput (payload bits per second acknowledged) over `duration` ps. */
export function clientThroughput(metrics: readonly ComponentMetrics[], duration: number): number {
  let bytes = 0;
  for (const m of metrics) {
    const acked = m.stats.tcpAckedBytes;
    if (typeof acked === 'number') bytes += acked;
  }
  return (bytes * 8) / (duration / SEC);
}

export default defineConfig({
  name: 'mixed-fidelity',
  description: '64-host k=4 fat-tree fabric, 32 TCP client/server pairs, a share of the hosts simulated in detail (host.detailed + nic.detailed)',
  params,
  system: mixedSystem,
  instantiations: {
    single: (_s, p) => ({ description: 'everything in one instance', models: models(p), partition: single }),
    split: (_s, p) => ({ description: 'the network in one instance, each detailed host and each NIC in its own', models: models(p), partition: split }),
  },
  defaultInstantiation: 'single',
  run: { until: '20ms', seed: 1 },
  summary(metrics) {
    // Bits acknowledged to the clients; divided by the simulated time it is their throughput.
    return [{ name: 'client data', value: clientThroughput(metrics, SEC) / 1e9, unit: 'Gbit' }];
  },
});
