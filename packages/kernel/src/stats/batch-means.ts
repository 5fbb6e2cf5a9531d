import { studentTQuantile } from './student-t.ts';

/**
 * Confidence intervals for the steady-state mean of a correlated output series (waiting times,
 * queue lengths) by the method of batch means. Batches double in size whenever their number
 * reaches 2·target, so memory stays bounded and batches grow long enough to decorrelate.
 */
export class BatchMeans {
  private readonly target: number;
  private batchSize = 1;
  private sums: Float64Array;
  private batches = 0;
  private current = 0;
  private inCurrent = 0;
  count = 0;

  constructor(targetBatches = 32) {
    if (!(targetBatches >= 4)) throw new RangeError(`batch means needs at least 4 batches, got ${targetBatches}`);
    this.target = targetBatches;
    this.sums = new Float64Array(2 * targetBatches);
  }

  /**
   * Batch means from their state, as another program kept them (an external instance reports
   * observations, batch size and the sums of its complete batches): summarised by our toJSON.
   */
  static fromState(count: number, batchSize: number, sums: readonly number[]): BatchMeans {
    const b = new BatchMeans(Math.max(4, Math.ceil(sums.length / 2)));
    b.count = count;
    b.batchSize = batchSize;
    b.sums = Float64Array.from(sums);
    b.batches = sums.length;
    return b;
  }

  add(x: number): void {
    this.count++;
    this.current += x;
    if (++this.inCurrent < this.batchSize) return;
    this.sums[this.batches++] = this.current;
    this.current = 0;
    this.inCurrent = 0;
    if (this.batches === 2 * this.target) {
      for (let i = 0; i < this.target; i++) this.sums[i] = this.sums[2 * i]! + this.sums[2 * i + 1]!;
      this.batches = this.target;
      this.batchSize *= 2;
    }
  }

  /** Mean over complete batches, half-width of the `level` confidence interval, and batches used. */
  interval(level = 0.95): { mean: number; halfWidth: number; batches: number; batchSize: number } {
    const k = this.batches;
    if (k < 2) return { mean: NaN, halfWidth: Infinity, batches: k, batchSize: this.batchSize };
    let sum = 0;
    for (let i = 0; i < k; i++) sum += this.sums[i]! / this.batchSize;
    const mean = sum / k;
    let ss = 0;
    for (let i = 0; i < k; i++) {
      const d = this.sums[i]! / this.batchSize - mean;
      ss += d * d;
    }
    const se = Math.sqrt(ss / (k - 1) / k);
    const t = studentTQuantile(1 - (1 - level) / 2, k - 1);
    return { mean, halfWidth: t * se, batches: k, batchSize: this.batchSize };
  }

  toJSON(): { count: number; mean: number; halfWidth95: number; batches: number } {
    const ci = this.interval(0.95);
    return { count: this.count, mean: ci.mean, halfWidth95: ci.halfWidth, batches: ci.batches };
  }
}
