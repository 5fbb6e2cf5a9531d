import { z } from 'zod';
import { appList } from './apps.ts';
import { frequency, size } from '../units.ts';
import { defineKind } from './kind.ts';

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/**
 * A host: CPU, memory, an IPv4 address and the applications it runs. Hosts without an `ip` get
 * one when the system is resolved (10.0.0.1, 10.0.0.2, … in id order, skipping addresses given
 * explicitly), so addresses depend on the system alone.
 */
export const hostParams = z
  .object({
    cores: z.number().int().positive().default(1),
    /** Core clock, Hz ("3GHz"). */
    clock: frequency().default(3e9),
    /** Memory, bytes ("16GiB"). */
    memory: size().default(16 * 1024 ** 3),
    ip: z.string().regex(IPV4, 'must be an IPv4 address such as "10.0.0.7"').optional(),
    /** Applications: each entry's `type` names one that a model module declares (built-in: tcp-bulk, tcp-sink, udp-cbr, …). */
    apps: appList,
    /** Settings of its TCP stack (e.g. `{ ackEvery: 2 }`), checked by the host model. */
    tcp: z.record(z.string(), z.unknown()).optional(),
    /** Link framing of its packets: Ethernet (the default) or point-to-point (2 bytes, as ns-3's point-to-point links), for comparisons. */
    framing: z.enum(['ethernet', 'ppp']).optional(),
  })
  .strict();

export type HostParams = z.output<typeof hostParams>;
export type HostInput = z.input<typeof hostParams>;

/**
 * Ports: `eth` joins the network directly (protocol-level hosts, whose model includes the NIC);
 * `pci` joins a separate NIC component (detailed hosts).
 */
export const host = defineKind({
  kind: 'host',
  description: 'a server machine: cores, clock, memory, IPv4 address, applications',
  params: hostParams,
  apps: true,
  ports: {
    linkKind: (port) => (port === 'eth' ? 'network' : port === 'pci' ? 'pci' : undefined),
    list: () => 'eth (network), pci (to a NIC)',
  },
});
