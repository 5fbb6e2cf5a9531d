/**
 * Simulated time is integer picoseconds held in a JS number: exact up to 2^53 ps (about 2.5 h).
 * Units are parsed here, once, at the config edge; nothing downstream sees a unit string.
 */
import { SplitSimError } from './errors.ts';

export type Time = number;

/** The largest representable simulated time: 2^53 ps, about 2 h 30 min. */
export const MAX_TIME: Time = Number.MAX_SAFE_INTEGER;

export const PS = 1;
export const NS = 1_000;
export const US = 1_000_000;
export const MS = 1_000_000_000;
export const SEC = 1_000_000_000_000;

const TIME_UNITS: Record<string, number> = {
  ps: PS,
  ns: NS,
  us: US,
  'µs': US,
  ms: MS,
  s: SEC,
  min: 60 * SEC,
  h: 3600 * SEC,
};

const RATE_UNITS: Record<string, number> = {
  bps: 1,
  kbps: 1e3,
  Kbps: 1e3,
  Mbps: 1e6,
  Gbps: 1e9,
  Tbps: 1e12,
};

const QUANTITY = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµ]+)\s*$/;

function split(input: string): [number, string] | null {
  const m = QUANTITY.exec(input);
  if (!m) return null;
  return [Number(m[1]), m[2]!];
}

/**
 * Plain decimals in a power-of-ten unit ("9007.199254740991s") are converted digit by digit, so
 * they are exact to the last ps. Returns null when the float path applies, -1n when not whole.
 */
function exactDecimal(input: string, scale: number): bigint | null {
  const m = /^\s*(\d+)(?:\.(\d*))?\s*[A-Za-zµ]+\s*$/.exec(input);
  const zeros = String(scale).length - 1;
  if (!m || String(scale) !== `1${'0'.repeat(zeros)}`) return null;
  const frac = m[2] ?? '';
  if (/[1-9]/.test(frac.slice(zeros))) return -1n;
  return BigInt(m[1]!) * BigInt(scale) + BigInt(frac.slice(0, zeros).padEnd(zeros, '0') || '0');
}

/** Throws unless `t` is a whole, non-negative number of picoseconds within 2^53. */
export function checkTime(t: number, what = 'time'): Time {
  if (!Number.isFinite(t) || t < 0) {
    throw new SplitSimError('E_TIME_RANGE', `${what} must be a non-negative number of picoseconds, got ${t}`, { value: t });
  }
  if (t > MAX_TIME) {
    throw new SplitSimError(
      'E_TIME_RANGE',
      `${what} ${t} ps is past 2^53 ps (about 2.5 h), the longest simulated time that stays exact`,
      { value: t },
    );
  }
  if (!Number.isInteger(t)) {
    throw new SplitSimError('E_TIME_RANGE', `${what} must be a whole number of picoseconds, got ${t}`, { value: t });
  }
  return t;
}

/**
 * Parses "500ns", "1.5ms", "2s" (or a number, taken as picoseconds) into integer picoseconds.
 * Rejects unknown units, negative values, fractions of a picosecond and values past 2^53 ps.
 */
export function parseTime(input: string | number, what = 'time'): Time {
  if (typeof input === 'number') return checkTime(input, what);
  const parts = split(input);
  if (!parts) {
    throw new SplitSimError('E_TIME_UNIT', `${what}: cannot read "${input}" as a time; write a number and a unit, e.g. "500ns" or "1.5ms" (units: ${Object.keys(TIME_UNITS).join(', ')})`, { input });
  }
  const [value, unit] = parts;
  const scale = TIME_UNITS[unit];
  if (scale === undefined) {
    throw new SplitSimError('E_TIME_UNIT', `${what}: unknown time unit "${unit}" in "${input}" (units: ${Object.keys(TIME_UNITS).join(', ')})`, { input, unit });
  }
  const digits = exactDecimal(input, scale);
  if (digits !== null) {
    if (digits < 0n) throw new SplitSimError('E_TIME_UNIT', `${what}: "${input}" is not a whole number of picoseconds`, { input });
    return checkTime(Number(digits), `${what} "${input}"`);
  }
  const exact = value * scale;
  const ps = Math.round(exact);
  // Decimal fractions like 0.3ns are inexact in binary; accept them when they are a whole ps.
  if (Math.abs(exact - ps) > 1e-6 * Math.max(1, Math.abs(exact))) {
    throw new SplitSimError('E_TIME_UNIT', `${what}: "${input}" is not a whole number of picoseconds`, { input });
  }
  return checkTime(ps, `${what} "${input}"`);
}

/** Formats integer picoseconds exactly, in the largest unit that keeps it readable: 1500000000 → "1.5ms". */
export function formatTime(t: Time): string {
  if (!Number.isInteger(t) || t < 0) return `${t}ps`;
  const units: Array<[string, number]> = [['s', SEC], ['ms', MS], ['us', US], ['ns', NS]];
  for (const [name, scale] of units) {
    if (t >= scale) return decimal(t, scale) + name;
  }
  return `${t}ps`;
}

/** Writes t / scale exactly, using integer digits only (scale is a power of ten). */
function decimal(t: number, scale: number): string {
  const whole = Math.floor(t / scale);
  const rest = t - whole * scale;
  if (rest === 0) return String(whole);
  const width = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(width, '0').replace(/0+$/, '')}`;
}

/** Parses "10Gbps", "100Mbps" (or a number, taken as bits per second) into bits per second. */
export function parseRate(input: string | number, what = 'rate'): number {
  if (typeof input === 'number') {
    if (!(input > 0) || !Number.isFinite(input)) {
      throw new SplitSimError('E_RATE_UNIT', `${what} must be a positive number of bits per second, got ${input}`, { value: input });
    }
    return input;
  }
  const parts = split(input);
  const scale = parts ? RATE_UNITS[parts[1]] : undefined;
  if (!parts || scale === undefined) {
    throw new SplitSimError('E_RATE_UNIT', `${what}: cannot read "${input}" as a rate; write a number and a unit, e.g. "10Gbps" (units: ${Object.keys(RATE_UNITS).join(', ')})`, { input });
  }
  const bps = parts[0] * scale;
  if (!(bps > 0)) {
    throw new SplitSimError('E_RATE_UNIT', `${what}: "${input}" must be positive`, { input });
  }
  return bps;
}

/** Formats bits per second: 1e10 → "10Gbps". */
export function formatRate(bps: number): string {
  const units: Array<[string, number]> = [['Tbps', 1e12], ['Gbps', 1e9], ['Mbps', 1e6], ['Kbps', 1e3]];
  for (const [name, scale] of units) {
    if (bps >= scale) return `${+(bps / scale).toPrecision(12)}${name}`;
  }
  return `${bps}bps`;
}

/** Picoseconds to put `bytes` on a wire of `bps`, rounded up so a link is never faster than its rate. */
export function serializationTime(bytes: number, bps: number): Time {
  return Math.ceil((bytes * 8 * SEC) / bps);
}

/** Seconds as a float, for reports only (never for synchronization). */
export function toSeconds(t: Time): number {
  return t / SEC;
}
