/**
 * A mergeable quantile sketch with relative accuracy (DDSketch's log buckets): every quantile it
 * returns is within ±alpha (default 1 %) of the true value of some observation at that rank.
 * Zeros are counted apart; negative values are kept in a mirror sketch.
 * Memory grows with log(max/min)/alpha, not with the number of observations.
 */
export class Quantiles {
  readonly alpha: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private counts: Float64Array = new Float64Array(64);
  private offset = 0; // bucket index of counts[0]
  private used = false;
  private zeros = 0;
  private negative: Quantiles | null = null;
  count = 0;

  constructor(alpha = 0.01) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`quantile sketch accuracy must be in (0, 1), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  add(x: number): void {
    this.count++;
    if (x > 0) this.bump(Math.ceil(Math.log(x) / this.logGamma), 1);
    else if (x === 0) this.zeros++;
    else (this.negative ??= new Quantiles(this.alpha)).add(-x);
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
    const size = Math.max(this.counts.length * 2, hi - lo + 1 + 16);
    const next = new Float64Array(size);
    const newOffset = lo - ((size - (hi - lo + 1)) >> 1);
    next.set(this.counts, this.offset - newOffset);
    this.counts = next;
    this.offset = newOffset;
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
      if (seen > rank) return (2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1);
    }
    return (2 * Math.pow(this.gamma, this.counts.length - 1 + this.offset)) / (this.gamma + 1);
  }

  /** Folds another sketch of the same accuracy in. */
  merge(o: Quantiles): void {
    if (o.alpha !== this.alpha) throw new RangeError('cannot merge quantile sketches of different accuracy');
    this.count += o.count;
    this.zeros += o.zeros;
    if (o.used) for (let i = 0; i < o.counts.length; i++) if (o.counts[i]! > 0) this.bump(i + o.offset, o.counts[i]!);
    if (o.negative) (this.negative ??= new Quantiles(this.alpha)).merge(o.negative);
  }

  toJSON(): { count: number; p50: number; p90: number; p99: number; p999: number; alpha: number } {
    const q = (p: number) => (this.count === 0 ? 0 : this.quantile(p));
    return { count: this.count, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), alpha: this.alpha };
  }
}
