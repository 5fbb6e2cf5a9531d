/**
 * A k-ary fat tree of packet switches and protocol-level hosts (the SplitSim paper's §4.2.1
 * scenario): every link 10 Gbps and 500 ns, drop-tail queues of 100 packets, UDP workloads:
 *
 * - `rack`: in each rack host 0 is a UDP sink and the other hosts send it 1448-byte payloads at
 *   1 Gbps constant rate, each starting at a random offset under 20 µs;
 * - `perm`: every host sends to a host in another pod, by a fixed-seed permutation.
 *
 * Instantiations: `single` (one instance), `byPod` (the cores, then one instance per pod),
 * `byRack` (the cores, each pod's aggregation switches, each rack), `linear` (`instances`
 * contiguous id ranges). All use the same models, so metrics.json is the same under each.
 *
 *   splitsim run configs/fattree.ts --set k=8 --set workload=rack --until 20ms
 */
import { z, byPod, byRack, defineConfig, fatTree, linear, parseTime, Rng, single, System, US, type AppInput, type ComponentMetrics, type Instantiation } from 'splitsim';

const params = z
  .object({
    /** Switch radix (even): k³/4 hosts, 5k²/4 switches. */
    k: z.number().int().min(2).refine((k) => k % 2 === 0, 'k must be even').default(8),
    workload: z.enum(['rack', 'perm']).default('rack'),
    /** Payload rate of each sender. */
    rate: z.union([z.string(), z.number()]).default('1Gbps'),
    /** Payload bytes per packet. */
    size: z.number().int().positive().default(1448),
    bandwidth: z.union([z.string(), z.number()]).default('10Gbps'),
    latency: z.union([z.string(), z.number()]).default('500ns'),
    /** Drop-tail buffer per switch port, packets. */
    buffer: z.number().int().positive().default(100),
    /** Senders start at a uniform random offset below this. */
    jitter: z.union([z.string(), z.number()]).default('20us'),
    /** Seed of the start offsets and of the permutation (the system's own randomness, not the run's). */
    workloadSeed: z.number().int().default(1),
    /** Instances of the `linear` instantiation. */
    instances: z.number().int().positive().default(4),
    /** How switches pick among equal-cost ports: per flow by its hash (as most datacenter switches), or at random per packet (ns-3's RandomEcmpRouting). */
    ecmp: z.enum(['flow', 'packet']).default('flow'),
  })
  .strict();

export type FatTreeParams = z.output<typeof params>;

/** A permutation of the hosts in which nobody sends within its own pod; deterministic in `seed`. */
export function crossPodPermutation(hosts: number, perPod: number, seed: number): number[] {
  const rng = new Rng(seed, 0x9e37);
  const perm = Array.from({ length: hosts }, (_, i) => i);
  for (let i = hosts - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const pod = (h: number) => Math.floor(h / perPod);
  // Repair same-pod pairs by swapping targets with another sender for whom the swap also works.
  for (let i = 0; i < hosts; i++) {
    if (pod(perm[i]!) !== pod(i)) continue;
    const start = rng.int(hosts);
    for (let s = 0; s < hosts; s++) {
      const j = (start + s) % hosts;
      if (pod(perm[j]!) !== pod(i) && pod(perm[i]!) !== pod(j)) {
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        break;
      }
    }
    if (pod(perm[i]!) === pod(i)) throw new Error(`no cross-pod permutation for ${hosts} hosts in pods of ${perPod}`);
  }
  return perm;
}

export function fatTreeSystem(p: FatTreeParams): System {
  const system = new System(`fattree-k${p.k}-${p.workload}`);
  const half = p.k / 2;
  const perPod = half * half;
  const hosts = (p.k * p.k * p.k) / 4;
  const jitter = parseTime(p.jitter, 'jitter');
  const starts = new Rng(p.workloadSeed, 0x5a17);
  const perm = p.workload === 'perm' ? crossPodPermutation(hosts, perPod, p.workloadSeed) : [];
  const pathOf = (i: number) => `pod${Math.floor(i / perPod)}/rack${Math.floor((i % perPod) / half)}/host${i % half}`;
  const rate = p.rate;
  fatTree({
    system,
    k: p.k,
    bandwidth: p.bandwidth,
    latency: p.latency,
    switch: { buffer: p.buffer, ...(p.ecmp === 'flow' ? {} : { ecmp: p.ecmp }) },
    host: (slot) => {
      const start = Math.floor(starts.next() * jitter);
      let apps: AppInput[];
      if (p.workload === 'rack') {
        apps = slot.host === 0 ? [{ type: 'udp-sink' }] : [{ type: 'udp-cbr', dst: `pod${slot.pod}/rack${slot.rack}/host0`, rate, size: p.size, start }];
      } else {
        apps = [{ type: 'udp-sink' }, { type: 'udp-cbr', dst: pathOf(perm[slot.index]!), rate, size: p.size, start }];
      }
      return { apps };
    },
  });
  return system;
}

const models: Instantiation['models'] = [
  { kind: 'host', model: 'host.protocol' },
  { kind: 'switch', model: 'switch.packet' },
];

/** Packets delivered to sinks, dropped in switches, and mean delivery latency, from a run's metrics. */
export function fatTreeFigures(metrics: readonly ComponentMetrics[]): { delivered: number; dropped: number; sent: number; meanLatency: number } {
  let delivered = 0;
  let dropped = 0;
  let sent = 0;
  let latencySum = 0;
  for (const m of metrics) {
    const s = m.stats as Record<string, unknown>;
    if (typeof s.udpSent === 'number') sent += s.udpSent;
    if (typeof s.udpReceived === 'number') delivered += s.udpReceived;
    if (typeof s.drops === 'number') dropped += s.drops;
    const lat = s.udpLatency as { count: number; mean: number } | undefined;
    if (lat) latencySum += lat.count * lat.mean;
  }
  return { delivered, dropped, sent, meanLatency: delivered > 0 ? latencySum / delivered : 0 };
}

export default defineConfig({
  name: 'fattree',
  description: 'k-ary fat tree, 10 Gbps / 500 ns links, drop-tail 100 packets; UDP rack (incast to host 0) or cross-pod permutation workload',
  params,
  system: fatTreeSystem,
  instantiations: {
    single: () => ({ description: 'everything in one instance', models, partition: single }),
    byPod: () => ({ description: 'the core switches, then one instance per pod', models, partition: byPod }),
    byRack: () => ({ description: 'the cores, each pod’s aggregation switches, each rack', models, partition: byRack }),
    linear: (_system, p) => ({ description: `${p.instances} instances of contiguous component ids`, models, partition: linear(p.instances) }),
  },
  defaultInstantiation: 'single',
  run: { until: '20ms', seed: 1 },
  summary(metrics) {
    const f = fatTreeFigures(metrics);
    return [
      { name: 'packets sent', value: f.sent },
      { name: 'delivered', value: f.delivered },
      { name: 'dropped', value: f.dropped },
      { name: 'mean latency', value: f.meanLatency / US, unit: 'µs' },
    ];
  },
});
