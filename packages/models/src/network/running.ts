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

/** Running tallies in such an array use the kernel's slots and update (one Welford update everywhere). */
export { TALLY, tallyAdd, tallyStart } from '@splitsim/kernel';

/** Hands the tally at acc[at …] to `t`, an empty Tally: merged into an empty one, it takes the figures as they are. */
export function tallyInto(t: Tally, acc: number[], at: number): void {
  t.mergeSlots(acc, at);
}
