import type { Tally } from '@splitsim/kernel';

/**
 * Figures a network model updates on every packet, kept as plain numbers and handed to the run's
 * statistics once, at the end. A number field of an object is boxed once it holds a fraction or
 * a large value (each update touches a separate heap object), and a Float64Array over 64 bytes
 * keeps its numbers in a store allocated elsewhere; an array of doubles keeps them unboxed, inline
 * in the heap, next to the object that made it.
 */

/** A plain array of `n` doubles, all 0. Only ever store numbers in it. */
export function doubles(n: number): number[] {
  const a: number[] = [];
  // A fractional first value makes the array's element kind "double" from the start.
  for (let i = 0; i < n; i++) a.push(0.5);
  return a.fill(0);
}

/** Slots a running tally takes in such an array: count, mean, m2, min, max. */
export const TALLY = 5;

/** Readies the tally at acc[at …]. */
export function tallyStart(acc: number[], at: number): void {
  acc[at] = 0;
  acc[at + 1] = 0;
  acc[at + 2] = 0;
  acc[at + 3] = Infinity;
  acc[at + 4] = -Infinity;
}

/** Adds `x` to the tally at acc[at …] exactly as Tally.add does (Welford's update). */
export function tallyAdd(acc: number[], at: number, x: number): void {
  const n = ++acc[at]!;
  const d = x - acc[at + 1]!;
  acc[at + 1] += d / n;
  acc[at + 2] += d * (x - acc[at + 1]!);
  if (x < acc[at + 3]!) acc[at + 3] = x;
  if (x > acc[at + 4]!) acc[at + 4] = x;
}

/** Hands the tally at acc[at …] to `t`, an empty Tally: merged into an empty one, it takes the figures as they are. */
export function tallyInto(t: Tally, acc: number[], at: number): void {
  if (acc[at]! > 0) t.merge({ count: acc[at]!, mean: acc[at + 1]!, m2: acc[at + 2]!, min: acc[at + 3]!, max: acc[at + 4]! } as unknown as Tally);
}
