/**
 * A running tally is five numbers: count, mean, m2 (sum of squared deviations), min, max. Models
 * that update figures on every packet or job keep them in slots of their own arrays (a number
 * field of an object is boxed once it holds a fraction; an array of doubles keeps its numbers
 * unboxed and next to each other); Tally keeps its own five the same way. Either way the update
 * is this one function, so a tally kept in slots and a Tally give the same bits.
 */
/** An array of doubles (never a typed array, so the update below sees one kind of array everywhere and stays monomorphic). */
export type TallySlots = number[];

/** Slots a running tally takes: count, mean, m2, min, max. */
export const TALLY = 5;

/** Readies the tally at acc[at …]: no observations. */
export function tallyStart(acc: TallySlots, at: number): void {
  acc[at] = 0;
  acc[at + 1] = 0;
  acc[at + 2] = 0;
  acc[at + 3] = Infinity;
  acc[at + 4] = -Infinity;
}

/** Adds `x` to the tally at acc[at …] (Welford's update, numerically stable). */
export function tallyAdd(acc: TallySlots, at: number, x: number): void {
  const n = ++acc[at]!;
  const d = x - acc[at + 1]!;
  acc[at + 1]! += d / n;
  acc[at + 2]! += d * (x - acc[at + 1]!);
  if (x < acc[at + 3]!) acc[at + 3] = x;
  if (x > acc[at + 4]!) acc[at + 4] = x;
}

/** Count, mean, variance, min and max of observations. */
export class Tally {
  /** The five slots above, in an array of doubles (a fractional first value fixes its element kind). */
  private readonly s: number[] = [0.5, 0, 0, Infinity, -Infinity];

  constructor() {
    this.s[0] = 0;
  }

  get count(): number {
    return this.s[0]!;
  }

  get mean(): number {
    return this.s[1]!;
  }

  get min(): number {
    return this.s[3]!;
  }

  get max(): number {
    return this.s[4]!;
  }

  add(x: number): void {
    tallyAdd(this.s, 0, x);
  }

  /**
   * A tally from its moments, as another program kept them (an external instance reports count,
   * mean, sum of squared deviations, min and max): summarised by the same toJSON as ours.
   */
  static fromMoments(count: number, mean: number, m2: number, min: number, max: number): Tally {
    const t = new Tally();
    if (count > 0) {
      t.s[0] = count;
      t.s[1] = mean;
      t.s[2] = m2;
      t.s[3] = min;
      t.s[4] = max;
    }
    return t;
  }

  /** Sample variance (n - 1 in the denominator); 0 with fewer than two observations. */
  get variance(): number {
    const n = this.s[0]!;
    return n > 1 ? this.s[2]! / (n - 1) : 0;
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  /** Folds another tally in, as if its observations had been added here. */
  merge(o: Tally): void {
    this.mergeSlots(o.s, 0);
  }

  /**
   * Folds in the tally kept at acc[at …] (Chan et al.'s parallel update). Into an empty tally
   * the figures are taken as they are, so a model's slots handed over at the end read exactly as
   * if every observation had gone through add().
   */
  mergeSlots(acc: TallySlots, at: number): void {
    const on = acc[at]!;
    if (on === 0) return;
    const s = this.s;
    const n0 = s[0]!;
    if (n0 === 0) {
      for (let i = 0; i < TALLY; i++) s[i] = acc[at + i]!;
      return;
    }
    const n = n0 + on;
    const d = acc[at + 1]! - s[1]!;
    s[1]! += (d * on) / n;
    s[2]! += acc[at + 2]! + (d * d * n0 * on) / n;
    s[0] = n;
    if (acc[at + 3]! < s[3]!) s[3] = acc[at + 3]!;
    if (acc[at + 4]! > s[4]!) s[4] = acc[at + 4]!;
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
