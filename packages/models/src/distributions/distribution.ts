import type { Rng } from '@splitsim/kernel';
import type { Matrix } from '../analytics/linalg.ts';

/** A phase-type representation (α, T): initial phase probabilities and the sub-generator, rates per second. */
export interface PhaseTypeRepresentation {
  alpha: Float64Array;
  T: Matrix;
}

/**
 * A non-negative random variable in seconds: service times, interarrival gaps, job sizes.
 * Components hold one instance and call sample() on the hot path: it allocates nothing.
 * Moments are exact (Infinity where they do not exist, e.g. Pareto with α ≤ 2); every law
 * computes them once, before super(), so a law that fails its checks is never half built.
 */
export abstract class Distribution {
  abstract readonly type: string;

  protected constructor(readonly mean: number, readonly variance: number) {}

  /** One draw, in seconds. */
  abstract sample(rng: Rng): number;

  /** Squared coefficient of variation, variance / mean². */
  get scv(): number {
    return this.variance / (this.mean * this.mean);
  }

  /** Inverse CDF where it has a closed form; used for transforms of the heavy-tailed laws. */
  quantile?(u: number): number;

  /**
   * The Laplace-Stieltjes transform E[e^(-sX)], s ≥ 0 (1/s in seconds). For laws without a closed
   * form it is the integral of e^(-s F⁻¹(u)) over u, by the midpoint rule on 2^15 points: the
   * integrand lies in [0, 1] and is monotone, so the error stays below 2^-15.
   */
  laplace(s: number): number {
    const q = this.quantile;
    if (!q) throw new RangeError(`${this.type}: no Laplace transform`);
    const n = 1 << 15;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(-s * q.call(this, (i + 0.5) / n));
    return sum / n;
  }

  /** (α, T) when the law is phase-type (exponential, Erlang, hyperexponential, ...), else null. */
  phaseType(): PhaseTypeRepresentation | null {
    return null;
  }

  /** One line for logs and reports, e.g. "erlang(k=4, mean=0.1s)". */
  abstract describe(): string;
}

/** Formats a number of seconds compactly for describe(). */
export function sec(x: number): string {
  return `${+x.toPrecision(6)}s`;
}

/** A uniform draw in (0, 1]: safe for logarithms and negative powers. */
export function openUniform(rng: Rng): number {
  return 1 - rng.next();
}

/** Lanczos approximation of Γ(x), x > 0 (relative error about 1e-15), for Weibull moments. */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}
