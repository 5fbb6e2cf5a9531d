import { z } from 'zod';
import type { SwitchInput } from '../kinds/switch.ts';
import { switchPort } from '../kinds/switch.ts';
import { System, type ComponentHandle } from '../system.ts';
import { attachHost, builderBase, builderOptions, quantity, type HostChoices } from './attach.ts';

export interface FatTreeSlot {
  path: string;
  index: number;
  pod: number;
  /** The edge switch (rack) within the pod. */
  rack: number;
  host: number;
}

const schema = z
  .object({
    ...builderBase,
    k: z.number().int().min(2).refine((k) => k % 2 === 0, 'k must be even').default(4),
    bandwidth: quantity.default('10Gbps'),
    latency: quantity.default('500ns'),
    switch: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type FatTreeOptions = Partial<Omit<z.input<typeof schema>, 'host' | 'nic' | 'switch'>> &
  HostChoices<FatTreeSlot> & { switch?: Omit<SwitchInput, 'ports'> };

export interface FatTree {
  system: System;
  cores: ComponentHandle[];
  aggs: ComponentHandle[];
  /** Edge switches, one per rack. */
  edges: ComponentHandle[];
  hosts: Array<FatTreeSlot & { handle: ComponentHandle; nic?: ComponentHandle }>;
}

/**
 * A k-ary fat tree (Al-Fares et al.): (k/2)² core switches (`core3`), k pods of k/2 aggregation
 * switches (`pod1/agg0`) and k/2 edge switches, each edge switch a rack (`pod1/rack0/tor`) of k/2
 * hosts (`pod1/rack0/host1`): k³/4 hosts, every link the same bandwidth. Ports: an edge switch's
 * p<h> goes to host h, p<k/2+a> to aggregation switch a; an aggregation switch's p<e> to edge
 * switch e, p<k/2+j> to core a·k/2+j; a core's p<pod> to its pod.
 */
export function fatTree(options: FatTreeOptions = {}): FatTree {
  const o = builderOptions('fatTree', schema, options);
  const system = o.system ?? new System(o.name ?? `fat-tree-k${o.k}`);
  const half = o.k / 2;
  const link = { bandwidth: o.bandwidth, latency: o.latency };
  const choices = { host: o.host, nic: o.nic } as HostChoices<FatTreeSlot>;
  const cores = Array.from({ length: half * half }, (_, i) => system.add('switch', `core${i}`, { ...o.switch, ports: o.k }));
  const aggs: ComponentHandle[] = [];
  const edges: ComponentHandle[] = [];
  const hosts: FatTree['hosts'] = [];
  for (let p = 0; p < o.k; p++) {
    const podAggs = Array.from({ length: half }, (_, a) => system.add('switch', `pod${p}/agg${a}`, { ...o.switch, ports: o.k }));
    podAggs.forEach((agg, a) => {
      for (let j = 0; j < half; j++) system.link(agg.port(switchPort(half + j)), cores[a * half + j]!.port(switchPort(p)), link);
    });
    aggs.push(...podAggs);
    for (let e = 0; e < half; e++) {
      const edge = system.add('switch', `pod${p}/rack${e}/tor`, { ...o.switch, ports: o.k });
      podAggs.forEach((agg, a) => system.link(edge.port(switchPort(half + a)), agg.port(switchPort(e)), link));
      edges.push(edge);
      for (let h = 0; h < half; h++) {
        const slot: FatTreeSlot = { path: `pod${p}/rack${e}/host${h}`, index: hosts.length, pod: p, rack: e, host: h };
        const made = attachHost(system, slot, choices, { port: edge.port(switchPort(h)), ...link }, o.pciLatency);
        hosts.push({ ...slot, handle: made.host, ...(made.nic ? { nic: made.nic } : {}) });
      }
    }
  }
  return { system, cores, aggs, edges, hosts };
}
