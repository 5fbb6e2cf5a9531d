import { z } from 'zod';
import { parseRate, parseTime } from './time.ts';

/**
 * zod schemas for quantities with units: the one place user input with units becomes numbers.
 * A time accepts "500ns" or a number of ps; a rate accepts "10Gbps" or bits per second. Each
 * carries its unit as metadata, for `splitsim models` and the docs.
 */
type Quantity = ReturnType<typeof timeSchema>;

/**
 * A time: `units.time()` requires one; `units.time('1ms')` defaults to one, written as a user
 * would write it (zod's own `.default()` skips parsing and would hand the model the string).
 */
export function time(): Quantity;
export function time(dflt: string | number): z.ZodPrefault<Quantity>;
export function time(dflt?: string | number): Quantity | z.ZodPrefault<Quantity> {
  return dflt === undefined ? timeSchema() : timeSchema().prefault(dflt);
}

/** A rate: `units.rate()`, or `units.rate('10Gbps')` with a default. */
export function rate(): Quantity;
export function rate(dflt: string | number): z.ZodPrefault<Quantity>;
export function rate(dflt?: string | number): Quantity | z.ZodPrefault<Quantity> {
  return dflt === undefined ? rateSchema() : rateSchema().prefault(dflt);
}

/** A quantity written with a unit (or a plain number in the base unit), parsed by `parse`. */
const quantity = (parse: (v: string | number) => number, unit: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      try {
        return parse(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .meta({ unit });

const timeSchema = () => quantity((v) => parseTime(v), 'time');
const rateSchema = () => quantity((v) => parseRate(v), 'rate');
