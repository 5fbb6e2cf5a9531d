import { z } from 'zod';
import { capacity, type Capacity } from '../units.ts';
import { defineKind } from './kind.ts';

/** The name of a switch's port i: ports are `p0` … `p<ports-1>`; a switch model declares `p*`. */
export function switchPort(i: number): string {
  return `p${i}`;
}

const PORT = /^p(0|[1-9]\d*)$/;

/**
 * An output-queued Ethernet switch. `buffer` is per output port, in packets (a plain number) or
 * bytes (a size); `ecnThreshold`, when set, marks ECN above that queue length, in the buffer's unit.
 */
export const switchParams = z
  .object({
    ports: z.number().int().positive().max(65536),
    buffer: capacity().default({ unit: 'packets', size: 100 }),
    ecnThreshold: capacity().optional(),
    /** How to pick among equal-cost ports: by the flow's hash (the default: a flow keeps one path) or at random for every packet. */
    ecmp: z.enum(['flow', 'packet']).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const e = p.ecnThreshold as Capacity | undefined;
    const b = p.buffer as Capacity;
    if (!e) return;
    if (e.unit !== b.unit) ctx.addIssue({ code: 'custom', path: ['ecnThreshold'], message: `is in ${e.unit} but buffer is in ${b.unit}; give both in one unit` });
    else if (e.size > b.size) ctx.addIssue({ code: 'custom', path: ['ecnThreshold'], message: `${e.size} ${e.unit} is above the buffer (${b.size} ${b.unit}); lower it` });
  });

export type SwitchParams = z.output<typeof switchParams>;
export type SwitchInput = z.input<typeof switchParams>;

export const switchKind = defineKind({
  kind: 'switch',
  description: 'an output-queued Ethernet switch: ports, buffer per port, ECN threshold',
  params: switchParams,
  ports: {
    linkKind: (port, p) => {
      const m = PORT.exec(port);
      return m && Number(m[1]) < p.ports ? 'network' : undefined;
    },
    list: (p) => (p.ports === 1 ? 'p0' : `p0 … p${p.ports - 1}`),
  },
});
