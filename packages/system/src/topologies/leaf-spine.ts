import { z } from 'zod';
import type { SwitchInput } from '../kinds/switch.ts';
import { switchPort } from '../kinds/switch.ts';
import { System, type ComponentHandle } from '../system.ts';
import { attachHost, builderBase, builderOptions, count, quantity, type HostChoices } from './attach.ts';

export interface LeafSpineSlot {
  path: string;
  index: number;
  /** The leaf (rack). */
  rack: number;
  host: number;
}

const schema = z
  .object({
    ...builderBase,
    spines: count.default(4),
    leaves: count.default(8),
    hostsPerLeaf: count.default(16),
    /** Leaf ↔ spine. */
    uplinkBandwidth: quantity.default('40Gbps'),
    hostBandwidth: quantity.default('10Gbps'),
    latency: quantity.default('500ns'),
    switch: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type LeafSpineOptions = Partial<Omit<z.input<typeof schema>, 'host' | 'nic' | 'switch'>> &
  HostChoices<LeafSpineSlot> & { switch?: Omit<SwitchInput, 'ports'> };

export interface LeafSpine {
  system: System;
  spines: ComponentHandle[];
  leaves: ComponentHandle[];
  hosts: Array<LeafSpineSlot & { handle: ComponentHandle; nic?: ComponentHandle }>;
}

/**
 * A two-tier leaf-spine network: spines (`spine0`) joined to every leaf (`rack3/leaf`), each leaf
 * a rack of hosts (`rack3/host5`). Ports: a leaf's p<h> goes to host h, p<hostsPerLeaf+s> to
 * spine s; a spine's p<l> to leaf l.
 */
export function leafSpine(options: LeafSpineOptions = {}): LeafSpine {
  const o = builderOptions('leafSpine', schema, options);
  const system = o.system ?? new System(o.name ?? 'leaf-spine');
  const choices = { host: o.host, nic: o.nic } as HostChoices<LeafSpineSlot>;
  const spines = Array.from({ length: o.spines }, (_, s) => system.add('switch', `spine${s}`, { ...o.switch, ports: o.leaves }));
  const leaves: ComponentHandle[] = [];
  const hosts: LeafSpine['hosts'] = [];
  for (let l = 0; l < o.leaves; l++) {
    const leaf = system.add('switch', `rack${l}/leaf`, { ...o.switch, ports: o.hostsPerLeaf + o.spines });
    spines.forEach((spine, s) => system.link(leaf.port(switchPort(o.hostsPerLeaf + s)), spine.port(switchPort(l)), { bandwidth: o.uplinkBandwidth, latency: o.latency }));
    leaves.push(leaf);
    for (let h = 0; h < o.hostsPerLeaf; h++) {
      const slot: LeafSpineSlot = { path: `rack${l}/host${h}`, index: hosts.length, rack: l, host: h };
      const made = attachHost(system, slot, choices, { port: leaf.port(switchPort(h)), bandwidth: o.hostBandwidth, latency: o.latency }, o.pciLatency);
      hosts.push({ ...slot, handle: made.host, ...(made.nic ? { nic: made.nic } : {}) });
    }
  }
  return { system, spines, leaves, hosts };
}
