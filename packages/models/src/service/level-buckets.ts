import type { Rng } from '@splitsim/kernel';
import { uniformInt } from '../distributions/uniform-int.ts';

/**
 * n items (servers) each at a non-negative integer level (a queue length or its estimate),
 * grouped by level so that "a uniformly random item among those at the lowest (highest) level"
 * costs O(1) amortised. Dispatchers of 100 000 servers call this per job, so no allocation after
 * the buckets have grown.
 */
export class LevelBuckets {
  /** Per item, interleaved: [2i] its level, [2i + 1] its position in that level's bucket (one cache line for both). */
  private readonly at: Int32Array;
  private members: Int32Array[] = [];
  private sizes: Int32Array = new Int32Array(8);
  private lo = 0;
  private hi = 0;

  constructor(readonly n: number, initial = 0) {
    this.at = new Int32Array(2 * n);
    this.ensure(initial);
    const b = new Int32Array(Math.max(4, n));
    for (let i = 0; i < n; i++) {
      b[i] = i;
      this.at[2 * i] = initial;
      this.at[2 * i + 1] = i;
    }
    this.members[initial] = b;
    this.sizes[initial] = n;
    this.lo = this.hi = initial;
  }

  private ensure(level: number): void {
    while (this.members.length <= level) this.members.push(new Int32Array(4));
    if (this.sizes.length <= level) {
      const s = new Int32Array(Math.max(level + 1, this.sizes.length * 2));
      s.set(this.sizes);
      this.sizes = s;
    }
  }

  level(i: number): number {
    return this.at[2 * i]!;
  }

  /** Moves item i to `level`. */
  set(i: number, level: number): void {
    const at = this.at;
    const from = at[2 * i]!;
    if (from === level) return;
    this.unlink(from, at[2 * i + 1]!);
    this.append(i, level);
  }

  /** Swap-removes whatever sits at position p of bucket `level`. */
  private unlink(level: number, p: number): void {
    const b = this.members[level]!;
    const last = --this.sizes[level]!;
    const moved = b[last]!;
    b[p] = moved;
    this.at[2 * moved + 1] = p;
  }

  private append(i: number, level: number): void {
    if (level < 0) throw new RangeError(`level ${level} < 0`);
    this.ensure(level);
    let nb = this.members[level]!;
    const size = this.sizes[level]!;
    if (size === nb.length) {
      const g = new Int32Array(nb.length * 2);
      g.set(nb);
      this.members[level] = nb = g;
    }
    nb[size] = i;
    this.sizes[level] = size + 1;
    const at = this.at;
    at[2 * i] = level;
    at[2 * i + 1] = size;
    if (level < this.lo) this.lo = level;
    if (level > this.hi) this.hi = level;
  }

  inc(i: number): void {
    this.set(i, this.at[2 * i]! + 1);
  }

  dec(i: number): void {
    this.set(i, this.at[2 * i]! - 1);
  }

  /** The lowest level that holds an item. */
  min(): number {
    while (this.sizes[this.lo] === 0) this.lo++;
    return this.lo;
  }

  max(): number {
    while (this.sizes[this.hi] === 0) this.hi--;
    return this.hi;
  }

  count(level: number): number {
    return level < this.sizes.length ? this.sizes[level]! : 0;
  }

  /** A uniformly random item at the lowest level (ties broken at random). */
  pickMin(rng: Rng): number {
    const l = this.min();
    return this.members[l]![uniformInt(rng, this.sizes[l]!)]!;
  }

  pickMax(rng: Rng): number {
    const l = this.max();
    return this.members[l]![uniformInt(rng, this.sizes[l]!)]!;
  }

  /**
   * pickMin() then inc() on the item picked, without reading the item's own entry: its level
   * and position are those it was picked at. With 10^5 items that entry is a cache miss, and a
   * store to it is cheaper than a load.
   */
  takeMin(rng: Rng): number {
    const l = this.min();
    const p = uniformInt(rng, this.sizes[l]!);
    const i = this.members[l]![p]!;
    this.unlink(l, p);
    this.append(i, l + 1);
    return i;
  }
}
