import type { Rng } from '@splitsim/kernel';
import { zeros } from '../analytics/linalg.ts';
import { Distribution, sec, type PhaseTypeRepresentation } from './distribution.ts';

/** Always the same value. */
export class Deterministic extends Distribution {
  readonly type = 'deterministic';
  constructor(mean: number) {
    super(mean, 0);
  }
  sample(): number {
    return this.mean;
  }
  override quantile(): number {
    return this.mean;
  }
  override laplace(s: number): number {
    return Math.exp(-s * this.mean);
  }
  describe(): string {
    return `deterministic(${sec(this.mean)})`;
  }
}

/** Uniform on [min, max). */
export class Uniform extends Distribution {
  readonly type = 'uniform';
  constructor(readonly min: number, readonly max: number) {
    super((min + max) / 2, ((max - min) * (max - min)) / 12);
  }
  sample(rng: Rng): number {
    return this.min + (this.max - this.min) * rng.next();
  }
  override quantile(u: number): number {
    return this.min + (this.max - this.min) * u;
  }
  override laplace(s: number): number {
    if (s === 0) return 1;
    if (this.max === this.min) return Math.exp(-s * this.min);
    return (Math.exp(-s * this.min) - Math.exp(-s * this.max)) / (s * (this.max - this.min));
  }
  describe(): string {
    return `uniform(${sec(this.min)}, ${sec(this.max)})`;
  }
}

/** Exponential with the given mean. */
export class Exponential extends Distribution {
  readonly type = 'exponential';
  constructor(mean: number) {
    super(mean, mean * mean);
  }
  sample(rng: Rng): number {
    return rng.exponential(this.mean);
  }
  override quantile(u: number): number {
    return -this.mean * Math.log(1 - u);
  }
  override laplace(s: number): number {
    return 1 / (1 + s * this.mean);
  }
  override phaseType(): PhaseTypeRepresentation {
    const T = zeros(1);
    T[0]![0] = -1 / this.mean;
    return { alpha: Float64Array.of(1), T };
  }
  describe(): string {
    return `exponential(mean=${sec(this.mean)})`;
  }
}

/** Erlang-k: the sum of k exponential phases, SCV 1/k. */
export class Erlang extends Distribution {
  readonly type = 'erlang';
  private readonly phaseMean: number;
  constructor(readonly k: number, mean: number) {
    super(mean, (mean * mean) / k);
    this.phaseMean = mean / k;
  }
  sample(rng: Rng): number {
    // k ziggurat draws cost less than one logarithm of a product for the k we meet (≤ 30).
    let x = 0;
    for (let i = 0; i < this.k; i++) x += rng.exponential(this.phaseMean);
    return x;
  }
  override laplace(s: number): number {
    return Math.pow(1 / (1 + s * this.phaseMean), this.k);
  }
  override phaseType(): PhaseTypeRepresentation {
    const k = this.k;
    const r = 1 / this.phaseMean;
    const T = zeros(k);
    for (let i = 0; i < k; i++) {
      T[i]![i] = -r;
      if (i + 1 < k) T[i]![i + 1] = r;
    }
    const alpha = new Float64Array(k);
    alpha[0] = 1;
    return { alpha, T };
  }
  describe(): string {
    return `erlang(k=${this.k}, mean=${sec(this.mean)})`;
  }
}
