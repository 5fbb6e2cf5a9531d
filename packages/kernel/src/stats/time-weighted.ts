/** Reads the current simulated time; the engine implements it. */
export interface Clock {
  readonly now: number;
}

/**
 * The time-average of a level (queue length, busy servers): each value is weighted by how long it
 * was held. Time is integer picoseconds, so the area is exact until it passes 2^53.
 */
export class TimeWeighted {
  private level = 0;
  private since: number;
  private readonly start: number;
  private area = 0;
  min: number;
  max: number;

  constructor(private readonly clock: Clock, initial = 0) {
    this.since = clock.now;
    this.start = clock.now;
    this.level = initial;
    this.min = initial;
    this.max = initial;
  }

  /** The level changes to `value` now. */
  set(value: number): void {
    const now = this.clock.now;
    this.area += this.level * (now - this.since);
    this.since = now;
    this.level = value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  add(delta: number): void {
    this.set(this.level + delta);
  }

  get current(): number {
    return this.level;
  }

  /** Time-average from creation until now. */
  get mean(): number {
    const now = this.clock.now;
    const span = now - this.start;
    if (span <= 0) return this.level;
    return (this.area + this.level * (now - this.since)) / span;
  }

  toJSON(): { mean: number; min: number; max: number; current: number } {
    return { mean: this.mean, min: this.min, max: this.max, current: this.level };
  }
}
