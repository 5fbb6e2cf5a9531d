import type { Rng } from '@splitsim/kernel';
import { solve, zeros, type Matrix } from '../analytics/linalg.ts';
import { Distribution, sec, type PhaseTypeRepresentation } from './distribution.ts';

/** Picks an index from a cumulative probability table (last entry 1). */
function pick(cum: Float64Array, u: number): number {
  let i = 0;
  const last = cum.length - 1;
  while (i < last && u >= cum[i]!) i++;
  return i;
}

function cumulative(p: ArrayLike<number>): Float64Array {
  const c = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) c[i] = s += p[i]!;
  c[p.length - 1] = 1;
  return c;
}

/**
 * Hyperexponential: with probability p[i] an exponential of mean means[i]. Built explicitly, or
 * from (mean, SCV ≥ 1, shape f) as in Hellemans and Van Houdt: an order-2 law in which the first
 * phase carries the fraction f of the mean (f = 1/2: balanced means).
 */
export class Hyperexponential extends Distribution {
  readonly type = 'hyperexponential';
  private readonly cum: Float64Array;

  constructor(readonly probs: Float64Array, readonly means: Float64Array) {
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < probs.length; i++) {
      m1 += probs[i]! * means[i]!;
      m2 += 2 * probs[i]! * means[i]! * means[i]!;
    }
    super(m1, m2 - m1 * m1);
    this.cum = cumulative(probs);
  }

  /** The order-2 law with this mean, SCV and share f of the mean in phase 1. */
  static fromScv(mean: number, scv: number, f = 0.5): Hyperexponential {
    if (!(scv >= 1)) throw new RangeError(`a hyperexponential law needs SCV ≥ 1, got ${scv}`);
    if (!(f > 0 && f < 1)) throw new RangeError(`the shape f must lie in (0, 1), got ${f}`);
    if (scv === 1) return new Hyperexponential(Float64Array.of(1), Float64Array.of(mean));
    const disc = Math.sqrt((scv - 1) * (scv - 1 + 8 * f * (1 - f)));
    const p = (scv + 4 * f - 1 + disc) / (2 * (scv + 1));
    // Phase 1 (probability p) carries f of the mean; phase 2 the rest.
    return new Hyperexponential(Float64Array.of(p, 1 - p), Float64Array.of((f * mean) / p, ((1 - f) * mean) / (1 - p)));
  }

  sample(rng: Rng): number {
    return rng.exponential(this.means[pick(this.cum, rng.next())]!);
  }

  override laplace(s: number): number {
    let x = 0;
    for (let i = 0; i < this.probs.length; i++) x += this.probs[i]! / (1 + s * this.means[i]!);
    return x;
  }

  override phaseType(): PhaseTypeRepresentation {
    const n = this.probs.length;
    const T = zeros(n);
    for (let i = 0; i < n; i++) T[i]![i] = -1 / this.means[i]!;
    return { alpha: Float64Array.from(this.probs), T };
  }

  describe(): string {
    const parts = Array.from(this.probs, (p, i) => `${+p.toPrecision(4)}×exp(${sec(this.means[i]!)})`);
    return `hyperexponential(${parts.join(' + ')}; mean=${sec(this.mean)}, scv=${+this.scv.toPrecision(4)})`;
  }
}

/** A mixture of Erlang laws: with probability p[i] an Erlang-k[i] of mean means[i]. */
export class HyperErlang extends Distribution {
  readonly type = 'hyper-erlang';
  private readonly cum: Float64Array;
  private readonly phaseMeans: Float64Array;

  constructor(readonly probs: Float64Array, readonly ks: Int32Array, readonly means: Float64Array) {
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < probs.length; i++) {
      const m = means[i]!;
      m1 += probs[i]! * m;
      m2 += probs[i]! * (m * m * (1 + 1 / ks[i]!));
    }
    super(m1, m2 - m1 * m1);
    this.cum = cumulative(probs);
    this.phaseMeans = Float64Array.from(means, (m, i) => m / ks[i]!);
  }

  sample(rng: Rng): number {
    const b = pick(this.cum, rng.next());
    const pm = this.phaseMeans[b]!;
    let x = 0;
    for (let i = this.ks[b]!; i > 0; i--) x += rng.exponential(pm);
    return x;
  }

  override laplace(s: number): number {
    let x = 0;
    for (let i = 0; i < this.probs.length; i++) x += this.probs[i]! * Math.pow(1 / (1 + s * this.phaseMeans[i]!), this.ks[i]!);
    return x;
  }

  override phaseType(): PhaseTypeRepresentation {
    const n = this.ks.reduce((a, b) => a + b, 0);
    const T = zeros(n);
    const alpha = new Float64Array(n);
    let at = 0;
    for (let b = 0; b < this.ks.length; b++) {
      const r = 1 / this.phaseMeans[b]!;
      alpha[at] = this.probs[b]!;
      for (let i = 0; i < this.ks[b]!; i++) {
        T[at + i]![at + i] = -r;
        if (i + 1 < this.ks[b]!) T[at + i]![at + i + 1] = r;
      }
      at += this.ks[b]!;
    }
    return { alpha, T };
  }

  describe(): string {
    const parts = Array.from(this.probs, (p, i) => `${+p.toPrecision(4)}×erlang(${this.ks[i]}, ${sec(this.means[i]!)})`);
    return `hyper-erlang(${parts.join(' + ')})`;
  }
}

/**
 * A general phase-type law (α, T): the time to absorption of a CTMC started in phase i with
 * probability α[i], T the sub-generator among transient phases (rates per second). Sampling walks
 * the chain; the jump tables are built once.
 */
export class PhaseType extends Distribution {
  readonly type = 'phase-type';
  private readonly start: Float64Array;
  /** Per phase: mean holding time, and cumulative jump probabilities to phases 0..n-1 then absorption. */
  private readonly hold: Float64Array;
  private readonly jumps: Float64Array[];

  constructor(readonly alpha: Float64Array, readonly T: Matrix) {
    const n = alpha.length;
    if (T.length !== n || T.some((r) => r.length !== n)) throw new RangeError(`phase-type: T must be ${n}×${n} to match α`);
    const aSum = alpha.reduce((a, b) => a + b, 0);
    if (Math.abs(aSum - 1) > 1e-9) throw new RangeError(`phase-type: α must sum to 1 (defective α is not supported), got ${aSum}`);
    const hold = new Float64Array(n);
    const jumps: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const row = T[i]!;
      const out = -row[i]!;
      if (!(out > 0)) throw new RangeError(`phase-type: T[${i}][${i}] must be negative`);
      let rowSum = 0;
      const p = new Float64Array(n + 1);
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        if (row[j]! < 0) throw new RangeError(`phase-type: T[${i}][${j}] must be ≥ 0`);
        p[j] = row[j]! / out;
        rowSum += row[j]!;
      }
      const exit = out - rowSum;
      if (exit < -1e-12 * out) throw new RangeError(`phase-type: row ${i} of T sums to more than 0`);
      p[n] = Math.max(0, exit) / out;
      hold[i] = 1 / out;
      jumps.push(cumulative(p));
    }
    // m1 = α(-T)⁻¹1, m2 = 2α(-T)⁻²1.
    const negT = T.map((r) => Float64Array.from(r, (x) => -x));
    const ones = new Float64Array(n).fill(1);
    const u = solve(negT, ones);
    const w = solve(negT, u);
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      m1 += alpha[i]! * u[i]!;
      m2 += 2 * alpha[i]! * w[i]!;
    }
    super(m1, m2 - m1 * m1);
    this.start = cumulative(alpha);
    this.hold = hold;
    this.jumps = jumps;
  }

  sample(rng: Rng): number {
    const n = this.alpha.length;
    let phase = pick(this.start, rng.next());
    let x = 0;
    while (phase < n) {
      x += rng.exponential(this.hold[phase]!);
      phase = pick(this.jumps[phase]!, rng.next());
    }
    return x;
  }

  override laplace(s: number): number {
    // α (sI - T)⁻¹ t with t = -T 1.
    const n = this.alpha.length;
    const a = this.T.map((r, i) => Float64Array.from(r, (x, j) => (i === j ? s - x : -x)));
    const t = Float64Array.from(this.T, (r) => -r.reduce((p, q) => p + q, 0));
    const v = solve(a, t);
    let x = 0;
    for (let i = 0; i < n; i++) x += this.alpha[i]! * v[i]!;
    return x;
  }

  override phaseType(): PhaseTypeRepresentation {
    return { alpha: Float64Array.from(this.alpha), T: this.T.map((r) => Float64Array.from(r)) };
  }

  describe(): string {
    return `phase-type(${this.alpha.length} phases, mean=${sec(this.mean)}, scv=${+this.scv.toPrecision(4)})`;
  }
}
