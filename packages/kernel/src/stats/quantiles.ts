/**
 * A mergeable quantile sketch with bounded relative error: log-linear buckets (each power of two
 * split into 64 equal sub-buckets, as in HdrHistogram and DDSketch's linearly interpolated
 * mapping). The bucket index comes from the float's exponent and top mantissa bits, so adding an
 * observation costs no logarithm. Every quantile returned is within ±0.78 % (1/128) of the value
 * of some observation at that rank. Zeros are counted apart; negative values go to a mirror sketch.
 * Memory grows with log2(max/min)·64 buckets, not with the number of observations.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
/** Largest relative error of a reported quantile. */
export const QUANTILE_RELATIVE_ERROR = 1 / (2 * SUB);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word at [1]

export class Quantiles {
  readonly relativeError = QUANTILE_RELATIVE_ERROR;
  private counts: Float64Array = new Float64Array(256);
  private offset = 0; // bucket index of counts[0]
  private used = false;
  private zeros = 0;
  private negative: Quantiles | null = null;
  count = 0;

  add(x: number): void {
    this.count++;
    if (x > 0) {
      f64[0] = x;
      // Biased exponent (11 bits) then the top SUB_BITS bits of the mantissa.
      this.bump(u32[HI]! >>> (20 - SUB_BITS), 1);
    } else if (x === 0) this.zeros++;
    else (this.negative ??= new Quantiles()).add(-x);
  }

  private bump(index: number, by: number): void {
    if (!this.used) {
      this.offset = index - (this.counts.length >> 1);
      this.used = true;
    }
    let i = index - this.offset;
    if (i < 0 || i >= this.counts.length) {
      this.regrow(index);
      i = index - this.offset;
    }
    this.counts[i]! += by;
  }

  private regrow(index: number): void {
    const lo = Math.min(this.offset, index);
    const hi = Math.max(this.offset + this.counts.length - 1, index);
    const size = Math.max(this.counts.length * 2, hi - lo + 1 + 64);
    const next = new Float64Array(size);
    const newOffset = lo - ((size - (hi - lo + 1)) >> 1);
    next.set(this.counts, this.offset - newOffset);
    this.counts = next;
    this.offset = newOffset;
  }

  /** The midpoint of bucket `index`: within QUANTILE_RELATIVE_ERROR of anything in it. */
  private static value(index: number): number {
    const exponent = (index >>> SUB_BITS) - 1023;
    const sub = index & (SUB - 1);
    return Math.pow(2, exponent) * (1 + (sub + 0.5) / SUB);
  }

  /** The q-quantile (0 ≤ q ≤ 1) of everything added; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.min(this.count - 1, Math.max(0, Math.floor(q * (this.count - 1) + 1e-9)));
    const negCount = this.negative ? this.negative.count : 0;
    if (rank < negCount) return -this.negative!.quantile(1 - rank / Math.max(1, negCount - 1));
    let seen = negCount + this.zeros;
    if (rank < seen) return 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen > rank) return Quantiles.value(i + this.offset);
    }
    return Quantiles.value(this.counts.length - 1 + this.offset);
  }

  /** Folds another sketch in, as if its observations had been added here. */
  merge(o: Quantiles): void {
    this.count += o.count;
    this.zeros += o.zeros;
    if (o.used) for (let i = 0; i < o.counts.length; i++) if (o.counts[i]! > 0) this.bump(i + o.offset, o.counts[i]!);
    if (o.negative) (this.negative ??= new Quantiles()).merge(o.negative);
  }

  /**
   * The summary metrics.json holds; with `cdf`, also the distribution as [value, share at or
   * below it] at every percentile and the far tail (a recorded run's report draws it).
   */
  toJSON(cdf = false): { count: number; p50: number; p90: number; p99: number; p999: number; relativeError: number; cdf?: Array<[number, number]> } {
    const q = (p: number) => (this.count === 0 ? 0 : this.quantile(p));
    const out: ReturnType<Quantiles['toJSON']> = { count: this.count, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), relativeError: this.relativeError };
    if (cdf && this.count > 0) {
      // A step where several shares fall on one value: its last share is enough.
      const points = CDF_SHARES.map((p): [number, number] => [this.quantile(p), p]);
      out.cdf = points.filter((pt, i) => i === points.length - 1 || points[i + 1]![0] !== pt[0]);
    }
    return out;
  }
}

/** Shares at which a recorded distribution is given: every percentile, then the far tail. */
const CDF_SHARES = [...Array.from({ length: 100 }, (_, i) => i / 100), 0.995, 0.999, 0.9999, 1];
