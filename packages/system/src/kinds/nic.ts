import { z } from 'zod';
import { size } from '../units.ts';
import { defineKind } from './kind.ts';

/** A network interface card, joined to its host by a PCI link and to the network by `eth`. */
export const nicParams = z
  .object({
    /** Largest frame payload, bytes. */
    mtu: size().default(1500),
    /** Descriptors per transmit and per receive ring. */
    queue: z.number().int().positive().default(256),
  })
  .strict();

export type NicParams = z.output<typeof nicParams>;
export type NicInput = z.input<typeof nicParams>;

export const nic = defineKind({
  kind: 'nic',
  description: 'a network interface card: PCI to its host, Ethernet to the network',
  params: nicParams,
  ports: {
    linkKind: (port) => (port === 'eth' ? 'network' : port === 'pci' ? 'pci' : undefined),
    list: () => 'pci (to the host), eth (network)',
  },
});
