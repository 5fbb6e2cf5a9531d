import { z } from 'zod';
import type { SwitchInput } from '../kinds/switch.ts';
import { switchPort } from '../kinds/switch.ts';
import { System, type ComponentHandle } from '../system.ts';
import { attachHost, builderBase, builderOptions, count, quantity, type HostChoices } from './attach.ts';

/** Where a host sits in the datacenter, passed to the `host` and `nic` choices. */
export interface HostSlot {
  path: string;
  /** 0, 1, … over all hosts, in declaration order. */
  index: number;
  block: number;
  rack: number;
  /** Position in its rack. */
  host: number;
}

/** `block2/rack3/host17`: the path of host h of rack r of block b (all from 0). */
export function hostPath(block: number, rack: number, host: number): string {
  return `block${block}/rack${rack}/host${host}`;
}

const schema = z
  .object({
    ...builderBase,
    blocks: count.default(5),
    racksPerBlock: count.default(6),
    hostsPerRack: count.default(40),
    /** Aggregation switch ↔ core switch. */
    coreBandwidth: quantity.default('100Gbps'),
    /** ToR ↔ aggregation switch. */
    uplinkBandwidth: quantity.default('40Gbps'),
    /** Host (or NIC) ↔ ToR. */
    hostBandwidth: quantity.default('10Gbps'),
    /** Latency of every network link. */
    latency: quantity.default('500ns'),
    /** Buffer and ECN threshold of every switch (ports are set by the topology). */
    switch: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type DatacenterOptions = Partial<Omit<z.input<typeof schema>, 'host' | 'nic' | 'switch'>> &
  HostChoices<HostSlot> & { switch?: Omit<SwitchInput, 'ports'> };

export interface Datacenter {
  system: System;
  core: ComponentHandle;
  /** One aggregation switch per block. */
  aggs: ComponentHandle[];
  /** One ToR per rack, block by block. */
  tors: ComponentHandle[];
  hosts: Array<HostSlot & { handle: ComponentHandle; nic?: ComponentHandle }>;
}

/**
 * The datacenter of the SplitSim paper: one core switch, an aggregation switch per block
 * (`block2/agg`), a ToR per rack (`block2/rack3/tor`) and its hosts (`block2/rack3/host17`).
 * Defaults: 5 blocks × 6 racks × 40 hosts = 1200 hosts; 100 Gbps agg ↔ core, 40 Gbps ToR uplinks,
 * 10 Gbps host links, 500 ns on every link. Ports: the core's p<b> goes to block b; an
 * aggregation switch's p<r> to rack r and its last port to the core; a ToR's p<h> to host h and
 * its last port to the aggregation switch. Ids follow the same order: core, then per block its
 * aggregation switch, then per rack its ToR and hosts (each NIC right after its host).
 */
export function datacenter(options: DatacenterOptions = {}): Datacenter {
  const o = builderOptions('datacenter', schema, options);
  const system = o.system ?? new System(o.name ?? 'datacenter');
  const sw = o.switch;
  const core = system.add('switch', 'core', { ...sw, ports: o.blocks });
  const aggs: ComponentHandle[] = [];
  const tors: ComponentHandle[] = [];
  const hosts: Datacenter['hosts'] = [];
  const choices = { host: o.host, nic: o.nic } as HostChoices<HostSlot>;
  for (let b = 0; b < o.blocks; b++) {
    const agg = system.add('switch', `block${b}/agg`, { ...sw, ports: o.racksPerBlock + 1 });
    system.link(agg.port(switchPort(o.racksPerBlock)), core.port(switchPort(b)), { bandwidth: o.coreBandwidth, latency: o.latency });
    aggs.push(agg);
    for (let r = 0; r < o.racksPerBlock; r++) {
      const tor = system.add('switch', `block${b}/rack${r}/tor`, { ...sw, ports: o.hostsPerRack + 1 });
      system.link(tor.port(switchPort(o.hostsPerRack)), agg.port(switchPort(r)), { bandwidth: o.uplinkBandwidth, latency: o.latency });
      tors.push(tor);
      for (let h = 0; h < o.hostsPerRack; h++) {
        const slot: HostSlot = { path: hostPath(b, r, h), index: hosts.length, block: b, rack: r, host: h };
        const uplink = { port: tor.port(switchPort(h)), bandwidth: o.hostBandwidth, latency: o.latency };
        const made = attachHost(system, slot, choices, uplink, o.pciLatency);
        hosts.push({ ...slot, handle: made.host, ...(made.nic ? { nic: made.nic } : {}) });
      }
    }
  }
  return { system, core, aggs, tors, hosts };
}
