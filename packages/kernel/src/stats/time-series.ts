/**
 * Samples (time, value) in time order: what probes record, for CSV files and report plots.
 * Kept in growable typed arrays, so recording allocates only when the arrays double.
 */
export class TimeSeries {
  private t = new Float64Array(64);
  private v = new Float64Array(64);
  count = 0;

  add(time: number, value: number): void {
    if (this.count === this.t.length) {
      const t = new Float64Array(this.t.length * 2);
      const v = new Float64Array(this.v.length * 2);
      t.set(this.t);
      v.set(this.v);
      this.t = t;
      this.v = v;
    }
    this.t[this.count] = time;
    this.v[this.count++] = value;
  }

  get times(): Float64Array {
    return this.t.subarray(0, this.count);
  }

  get values(): Float64Array {
    return this.v.subarray(0, this.count);
  }

  /** Times in ps; every sample, so keep probe intervals sensible for long runs. */
  toJSON(): { count: number; times: number[]; values: number[] } {
    return { count: this.count, times: Array.from(this.times), values: Array.from(this.values) };
  }
}
