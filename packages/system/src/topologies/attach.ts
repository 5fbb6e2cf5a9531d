import { z } from 'zod';
import { SplitSimError } from '@splitsim/kernel';
import type { HostInput } from '../kinds/host.ts';
import type { NicInput } from '../kinds/nic.ts';
import { System, type ComponentHandle } from '../system.ts';

/** What the builders ask per host: its parameters, and whether it sits behind a NIC component. */
export interface HostChoices<S> {
  /** Parameters of each host (cores, apps, …); defaults when absent. */
  host?: (slot: S) => HostInput;
  /**
   * Which hosts get a separate NIC (`<host>/nic`, joined by a PCI link): false or undefined for
   * none (the host's `eth` joins the switch), true for a NIC with defaults, or its parameters.
   */
  nic?: (slot: S) => boolean | NicInput | undefined;
}

export const fn = <F>() => z.custom<F>((v) => typeof v === 'function', 'must be a function');
export const quantity = z.union([z.string(), z.number()]);
export const count = z.number().int().positive();

/** Common builder options: the system to build into, or the name of a new one. */
export const builderBase = {
  system: z.instanceof(System).optional(),
  name: z.string().min(1).optional(),
  host: fn<(slot: never) => HostInput>().optional(),
  nic: fn<(slot: never) => boolean | NicInput | undefined>().optional(),
  /** Latency of the PCI link between a host and its NIC. */
  pciLatency: quantity.default('500ns'),
};

/** Parses builder options or throws one error listing every problem. */
export function builderOptions<T extends z.ZodType>(builder: string, schema: T, options: unknown): z.output<T> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  - ${builder}: ${i.path.join('.') || '(options)'}: ${i.code === 'unrecognized_keys' ? `unknown option ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message}`);
  // One problem is one line; several, a list under the count.
  const body = lines.length === 1 ? ` ${lines[0]!.replace(/^ {2}- /, '')}` : `\n${lines.join('\n')}`;
  throw new SplitSimError('E_CONFIG', `${builder}() has ${lines.length} bad option${lines.length === 1 ? '' : 's'}:${body}`, { builder });
}

/**
 * Adds one host at `path` and joins it to `port` of a switch: directly through its `eth`, or
 * through a NIC component when the slot asks for one (host.pci ↔ nic.pci, nic.eth ↔ switch).
 */
export function attachHost<S>(
  system: System,
  slot: S & { path: string },
  choices: HostChoices<S>,
  uplink: { port: ReturnType<ComponentHandle['port']>; bandwidth: string | number; latency: string | number },
  pciLatency: string | number,
): { host: ComponentHandle; nic?: ComponentHandle } {
  const host = system.add('host', slot.path, choices.host ? choices.host(slot) : {});
  const nicChoice = choices.nic ? choices.nic(slot) : undefined;
  if (nicChoice === undefined || nicChoice === false) {
    system.link(host.port('eth'), uplink.port, { bandwidth: uplink.bandwidth, latency: uplink.latency });
    return { host };
  }
  const nic = system.add('nic', `${slot.path}/nic`, nicChoice === true ? {} : nicChoice);
  system.link(host.port('pci'), nic.port('pci'), { latency: pciLatency });
  system.link(nic.port('eth'), uplink.port, { bandwidth: uplink.bandwidth, latency: uplink.latency });
  return { host, nic };
}
