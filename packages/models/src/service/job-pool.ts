/**
 * Jobs held by a server, as records in parallel typed arrays indexed by a slot number, recycled
 * through a free list: a job costs no allocation once the arrays have grown to the high-water
 * mark.
 */
export class JobPool {
  token = new Float64Array(4);
  /** The job's tag, or -1 when it came without one. */
  tag = new Float64Array(4);
  arrived = new Float64Array(4);
  /** Service still owed, ps (the whole service time until the job first starts). */
  work = new Float64Array(4);
  /** The port it came in on: -1 for `in`, i for `client<i>`. */
  origin = new Int32Array(4);
  cls = new Int32Array(4);
  /** 1 once the job has started service (its wait is then recorded). */
  started = new Uint8Array(4);
  private free = new Int32Array(4);
  private freeTop = 0;
  private used = 0;

  alloc(): number {
    if (this.freeTop > 0) return this.free[--this.freeTop]!;
    if (this.used === this.token.length) this.grow();
    return this.used++;
  }

  release(slot: number): void {
    if (this.freeTop === this.free.length) {
      const f = new Int32Array(this.free.length * 2);
      f.set(this.free);
      this.free = f;
    }
    this.free[this.freeTop++] = slot;
  }

  private grow(): void {
    const n = this.token.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.token = f64(this.token);
    this.tag = f64(this.tag);
    this.arrived = f64(this.arrived);
    this.work = f64(this.work);
    const o = new Int32Array(n);
    o.set(this.origin);
    this.origin = o;
    const c = new Int32Array(n);
    c.set(this.cls);
    this.cls = c;
    const s = new Uint8Array(n);
    s.set(this.started);
    this.started = s;
  }
}
