/**
 * Seeded random streams: xoshiro128** (32-bit state words, so every step is plain int math in V8).
 * Each component gets its own stream whose 128-bit state is a hash of (run seed, component id)
 * alone, so what a component draws never depends on the partition or on other components.
 */

/** SplitMix64 over BigInt; used only when a stream is created, never per draw. */
function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return [next, z ^ (z >> 31n)];
}

/** 2^-53, to turn 53 random bits into a double in [0, 1). */
const INV_2_53 = 1 / 9007199254740992;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Stream for (seed, stream id); seed and id are any safe integers. */
  constructor(seed: number, stream = 0) {
    let st = (BigInt(Math.trunc(seed)) & 0xffffffffffffffffn) ^ 0x5851f42d4c957f2dn;
    let a: bigint;
    [st, a] = splitmix64(st);
    st ^= BigInt(Math.trunc(stream)) & 0xffffffffffffffffn;
    let b: bigint;
    [st, a] = splitmix64(st ^ a);
    [st, b] = splitmix64(st);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    let s2 = this.s2 ^ s0;
    let s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    s2 ^= t;
    this.s2 = s2;
    this.s3 = rotl(s3, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) * INV_2_53;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Uniform integer in [0, n), n ≤ 2^32, without modulo bias. */
  int(n: number): number {
    if (n <= 0x100000000) {
      // Lemire's multiply-shift with rejection, on 32 bits.
      const limit = 0x100000000 - (0x100000000 % n);
      let x = this.nextU32();
      while (x >= limit) x = this.nextU32();
      return x % n;
    }
    return Math.floor(this.next() * n);
  }

  /**
   * Exponential with the given mean (not rate), by Marsaglia and Tsang's ziggurat: about 98 % of
   * draws cost one 32-bit step, a table look-up and a multiply; the rest fall back to exact
   * rejection. Math.log on every draw was the single largest cost of an M/M/c run.
   */
  exponential(mean: number): number {
    const j = this.nextU32();
    const i = j & 255;
    if (j < ZIG_K[i]!) return mean * j * ZIG_W[i]!;
    return mean * this.exponentialSlow(j, i);
  }

  private exponentialSlow(j: number, i: number): number {
    for (;;) {
      if (i === 0) return ZIG_R - Math.log(1 - this.next());
      const x = j * ZIG_W[i]!;
      if (ZIG_F[i]! + this.next() * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-x)) return x;
      j = this.nextU32();
      i = j & 255;
      if (j < ZIG_K[i]!) return j * ZIG_W[i]!;
    }
  }

  /** Bernoulli trial. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// Ziggurat tables for the unit exponential, 256 layers (Marsaglia & Tsang 2000, "EFIX").
const ZIG_R = 7.697117470131487;
const ZIG_K = new Float64Array(256);
const ZIG_W = new Float64Array(256);
const ZIG_F = new Float64Array(256);
{
  const m = 4294967296;
  const v = 3.949659822581572e-3;
  let d = ZIG_R;
  let t = d;
  const q = v / Math.exp(-d);
  ZIG_K[0] = (d / q) * m;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m;
  ZIG_W[255] = d / m;
  ZIG_F[0] = 1;
  ZIG_F[255] = Math.exp(-d);
  for (let i = 254; i >= 1; i--) {
    d = -Math.log(v / d + Math.exp(-d));
    ZIG_K[i + 1] = (d / t) * m;
    t = d;
    ZIG_F[i] = Math.exp(-d);
    ZIG_W[i] = d / m;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
