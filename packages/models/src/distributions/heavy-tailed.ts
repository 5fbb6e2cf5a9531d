import { normalQuantile, type Rng } from '@splitsim/kernel';
import { Distribution, gamma, openUniform, sec } from './distribution.ts';

/**
 * Pareto (type I) with shape α and scale (its minimum) x_m: P(X > x) = (x_m / x)^α for x ≥ x_m.
 * α ≤ 2 gives an infinite variance, which is allowed (heavy tails are the point); α ≤ 1 has no
 * mean and is rejected, since no queue fed with it has a steady state.
 */
export class Pareto extends Distribution {
  readonly type = 'pareto';
  private readonly inv: number;

  constructor(readonly alpha: number, readonly scale: number) {
    if (!(alpha > 1)) throw new RangeError(`pareto: α must be > 1 for a finite mean, got ${alpha}`);
    if (!(scale > 0)) throw new RangeError(`pareto: scale must be > 0, got ${scale}`);
    super((alpha * scale) / (alpha - 1), alpha > 2 ? (scale * scale * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : Infinity);
    this.inv = -1 / alpha;
  }

  /** The Pareto law with shape α and the given mean. */
  static withMean(alpha: number, mean: number): Pareto {
    return new Pareto(alpha, (mean * (alpha - 1)) / alpha);
  }

  sample(rng: Rng): number {
    return this.scale * Math.pow(openUniform(rng), this.inv);
  }

  override quantile(u: number): number {
    return this.scale * Math.pow(1 - u, this.inv);
  }

  describe(): string {
    return `pareto(α=${this.alpha}, scale=${sec(this.scale)}, mean=${sec(this.mean)})`;
  }
}

/** Lognormal: e^(μ + σZ), Z standard normal; built from (μ, σ) or from (mean, SCV). */
export class Lognormal extends Distribution {
  readonly type = 'lognormal';

  constructor(readonly mu: number, readonly sigma: number) {
    if (!(sigma >= 0)) throw new RangeError(`lognormal: σ must be ≥ 0, got ${sigma}`);
    const s2 = sigma * sigma;
    super(Math.exp(mu + s2 / 2), (Math.exp(s2) - 1) * Math.exp(2 * mu + s2));
  }

  static fromMoments(mean: number, scv: number): Lognormal {
    const s2 = Math.log(1 + scv);
    return new Lognormal(Math.log(mean) - s2 / 2, Math.sqrt(s2));
  }

  sample(rng: Rng): number {
    // Inverse CDF: one uniform per draw, no cached second normal (which would tie draws together).
    let u = rng.next();
    if (u === 0) u = Number.MIN_VALUE;
    return Math.exp(this.mu + this.sigma * normalQuantile(u));
  }

  override quantile(u: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(u));
  }

  describe(): string {
    return `lognormal(μ=${+this.mu.toPrecision(6)}, σ=${+this.sigma.toPrecision(6)}; mean=${sec(this.mean)}, scv=${+this.scv.toPrecision(4)})`;
  }
}

/** Weibull with shape k and scale λ: P(X > x) = e^(-(x/λ)^k). */
export class Weibull extends Distribution {
  readonly type = 'weibull';
  private readonly inv: number;

  constructor(readonly shape: number, readonly scale: number) {
    if (!(shape > 0 && scale > 0)) throw new RangeError(`weibull: shape and scale must be > 0, got ${shape}, ${scale}`);
    const g1 = gamma(1 + 1 / shape);
    super(scale * g1, scale * scale * (gamma(1 + 2 / shape) - g1 * g1));
    this.inv = 1 / shape;
  }

  static withMean(shape: number, mean: number): Weibull {
    return new Weibull(shape, mean / gamma(1 + 1 / shape));
  }

  sample(rng: Rng): number {
    return this.scale * Math.pow(-Math.log(openUniform(rng)), this.inv);
  }

  override quantile(u: number): number {
    return this.scale * Math.pow(-Math.log(1 - u), this.inv);
  }

  describe(): string {
    return `weibull(k=${this.shape}, scale=${sec(this.scale)}; mean=${sec(this.mean)})`;
  }
}

/** Draws from a list of observed values (seconds), with optional weights. */
export class Empirical extends Distribution {
  readonly type = 'empirical';
  private readonly cum: Float64Array;

  constructor(readonly values: Float64Array, weights?: Float64Array) {
    const n = values.length;
    if (n === 0) throw new RangeError('empirical: needs at least one value');
    const w = weights ?? new Float64Array(n).fill(1);
    if (w.length !== n) throw new RangeError(`empirical: ${n} values but ${w.length} weights`);
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0) || w.some((x) => !(x >= 0))) throw new RangeError('empirical: weights must be ≥ 0 and not all zero');
    const cum = new Float64Array(n);
    let s = 0;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const p = w[i]! / total;
      s += p;
      cum[i] = s;
      m1 += p * values[i]!;
      m2 += p * values[i]! * values[i]!;
    }
    cum[n - 1] = 1;
    super(m1, Math.max(0, m2 - m1 * m1));
    this.cum = cum;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < this.cum[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }

  override laplace(s: number): number {
    let x = 0;
    let prev = 0;
    for (let i = 0; i < this.values.length; i++) {
      x += (this.cum[i]! - prev) * Math.exp(-s * this.values[i]!);
      prev = this.cum[i]!;
    }
    return x;
  }

  describe(): string {
    return `empirical(${this.values.length} values, mean=${sec(this.mean)})`;
  }
}
