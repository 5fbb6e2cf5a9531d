import { z } from 'zod';
import { SplitSimError } from '@splitsim/kernel';

/**
 * Units the system layer needs beyond the kernel's time and rate: clock frequencies (Hz), sizes
 * (bytes) and switch buffers (packets or bytes). Parsed here, once; numbers pass through, so a
 * resolved value is valid input again (models may re-parse resolved params with the same schema).
 */
const QUANTITY = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*([A-Za-z]+)\s*$/;

const FREQUENCY_UNITS: Record<string, number> = { Hz: 1, kHz: 1e3, KHz: 1e3, MHz: 1e6, GHz: 1e9 };

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

const label = (what: string | undefined) => (what ? `${what}: ` : '');

function quantity(input: string, table: Record<string, number>, what: string | undefined, noun: string, example: string): number {
  const m = QUANTITY.exec(input);
  const scale = m ? table[m[3]!] : undefined;
  if (!m || scale === undefined) {
    throw new SplitSimError('E_CONFIG', `${label(what)}cannot read "${input}" as a ${noun}; write a number and a unit, e.g. "${example}" (units: ${Object.keys(table).join(', ')})`, { input });
  }
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * scale;
}

/** "3GHz", "2.4 GHz" or a number of Hz → Hz. `what` names the field in messages. */
export function parseFrequency(input: string | number, what?: string): number {
  const hz = typeof input === 'number' ? input : quantity(input, FREQUENCY_UNITS, what, 'frequency', '3GHz');
  if (!(hz > 0) || !Number.isFinite(hz)) throw new SplitSimError('E_CONFIG', `${label(what)}must be a positive frequency, got ${String(input)}`, { input });
  return hz;
}

/** "16GiB", "1500B", "64KB" or a number of bytes → whole bytes. `what` names the field in messages. */
export function parseSize(input: string | number, what?: string): number {
  const bytes = typeof input === 'number' ? input : quantity(input, SIZE_UNITS, what, 'size', '16GiB');
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new SplitSimError('E_CONFIG', `${label(what)}must be a positive whole number of bytes, got ${String(input)}`, { input });
  return bytes;
}

/** Hz as a user writes a frequency: 3e9 → "3GHz" (parseFrequency reads it back). */
export function formatFrequency(hz: number): string {
  for (const [name, scale] of [['GHz', 1e9], ['MHz', 1e6], ['kHz', 1e3]] as const) {
    if (hz >= scale) return `${+(hz / scale).toPrecision(12)}${name}`;
  }
  return `${hz}Hz`;
}

/**
 * Bytes as a user writes a size, exactly and with the smallest number: 17179869184 → "16GiB",
 * 64000 → "64KB", 1500 → "1500B" (parseSize reads it back).
 */
export function formatSize(bytes: number): string {
  let best = `${bytes}B`;
  let least = bytes;
  for (const [name, scale] of Object.entries(SIZE_UNITS)) {
    if (scale > 1 && bytes % scale === 0 && bytes / scale < least) {
      least = bytes / scale;
      best = `${least}${name}`;
    }
  }
  return best;
}

/** zod transform from a parser that throws SplitSimError, so each failure becomes one issue. */
function unit(parse: (v: string | number) => number, name: string) {
  return z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      try {
        return parse(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .meta({ unit: name });
}

export const frequency = () => unit((v) => parseFrequency(v), 'frequency');
export const size = () => unit((v) => parseSize(v), 'size');

/** A queue capacity: a count of packets or a number of bytes. */
export interface Capacity {
  unit: 'packets' | 'bytes';
  size: number;
}

/** A capacity as a user writes it: `{ unit: 'packets', size: 100 }` → "100packets", bytes as a size. */
export function formatCapacity(c: Capacity): string {
  return c.unit === 'packets' ? `${c.size}packets` : formatSize(c.size);
}

const PACKETS = /^\s*(\d+)\s*(?:packets|packet|pkts|pkt)\s*$/;

/**
 * A buffer or threshold: a plain number is packets; "100packets" is packets; a size ("512KiB") is
 * bytes; the resolved form `{ unit, size }` is accepted as it is.
 */
export const capacity = () =>
  z.union([z.number(), z.string(), z.object({ unit: z.enum(['packets', 'bytes']), size: z.number() }).strict()]).transform((v, ctx): Capacity => {
    if (typeof v === 'object') {
      if (!Number.isSafeInteger(v.size) || v.size <= 0) ctx.addIssue({ code: 'custom', message: `size must be a positive whole number of ${v.unit}, got ${v.size}` });
      return v;
    }
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v <= 0) ctx.addIssue({ code: 'custom', message: `a number means packets and must be a positive whole number, got ${v}` });
      return { unit: 'packets', size: v };
    }
    const m = PACKETS.exec(v);
    if (m) {
      const n = Number(m[1]);
      if (n <= 0 || !Number.isSafeInteger(n)) ctx.addIssue({ code: 'custom', message: `"${v}": need at least one packet` });
      return { unit: 'packets', size: n };
    }
    try {
      return { unit: 'bytes', size: parseSize(v) };
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${(err as Error).message}, or a packet count such as "100packets"` });
      return z.NEVER;
    }
  }).meta({ unit: 'capacity' });
