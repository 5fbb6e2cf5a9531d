import type { Rng } from '@splitsim/kernel';

const TWO_32 = 4294967296;
const INV_2_32 = 1 / TWO_32;

/**
 * A uniform integer in [0, n) from one 32-bit draw, by Lemire's multiply-shift with rejection
 * (exact, no bias): ⌊x·n / 2^32⌋, redrawn only when the low 32 bits of x·n fall below
 * 2^32 mod n (probability under n / 2^32). x·n is exact in a double while n < 2^21; larger n
 * falls back to rng.int. Dispatchers of 10^5 servers draw one or two of these per job, and
 * rng.int's two modulo operations on numbers past 2^31 are floating-point remainders.
 */
export function uniformInt(rng: Rng, n: number): number {
  if (n >= 0x200000) return rng.int(n);
  let m = rng.nextU32() * n;
  let hi = Math.floor(m * INV_2_32);
  if (m - hi * TWO_32 < n) {
    const t = (TWO_32 - n) % n;
    while (m - hi * TWO_32 < t) {
      m = rng.nextU32() * n;
      hi = Math.floor(m * INV_2_32);
    }
  }
  return hi;
}
