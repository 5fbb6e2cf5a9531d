import { z } from 'zod';
import { parseRate, parseTime } from './time.ts';

/**
 * zod schemas for quantities with units: the one place user input with units becomes numbers.
 * A time accepts "500ns" or a number of ps; a rate accepts "10Gbps" or bits per second. Each
 * carries its unit as metadata, for `splitsim models` and the docs.
 */
export const time = () =>
  z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      try {
        return parseTime(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .meta({ unit: 'time' });

export const rate = () =>
  z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      try {
        return parseRate(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .meta({ unit: 'rate' });
