/** Count, mean, variance (Welford's update, numerically stable), min and max of observations. */
export class Tally {
  count = 0;
  mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;

  add(x: number): void {
    const n = ++this.count;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /**
   * A tally from its moments, as another program kept them (an external instance reports count,
   * mean, sum of squared deviations, min and max): summarised by the same toJSON as ours.
   */
  static fromMoments(count: number, mean: number, m2: number, min: number, max: number): Tally {
    const t = new Tally();
    if (count > 0) {
      t.count = count;
      t.mean = mean;
      t.m2 = m2;
      t.min = min;
      t.max = max;
    }
    return t;
  }

  /** Sample variance (n - 1 in the denominator); 0 with fewer than two observations. */
  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : 0;
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  /** Folds another tally in (Chan et al.'s parallel update), as if its observations had been added here. */
  merge(o: Tally): void {
    if (o.count === 0) return;
    if (this.count === 0) {
      this.count = o.count;
      this.mean = o.mean;
      this.m2 = o.m2;
      this.min = o.min;
      this.max = o.max;
      return;
    }
    const n = this.count + o.count;
    const d = o.mean - this.mean;
    this.mean += (d * o.count) / n;
    this.m2 += o.m2 + (d * d * this.count * o.count) / n;
    this.count = n;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
  }

  toJSON(): { count: number; mean: number; variance: number; min: number; max: number } {
    const empty = this.count === 0;
    return {
      count: this.count,
      mean: empty ? 0 : this.mean,
      variance: this.variance,
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
    };
  }
}

/** A plain event counter. */
export class Counter {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }

  toJSON(): number {
    return this.value;
  }
}
