/**
 * Load reports of one server over a sliding window of time: a ring of (time, load) samples with
 * their running sum, pruned from the front as they age out. The mean is the post's "recent
 * load": the plain average of the samples in the window, 0 when there are none.
 */
export class LoadWindow {
  private t = new Float64Array(64);
  private v = new Float64Array(64);
  private head = 0;
  private size = 0;
  private sum = 0;

  constructor(private readonly span: number) {}

  add(time: number, load: number): void {
    if (this.size === this.t.length) this.grow();
    const i = (this.head + this.size++) & (this.t.length - 1);
    this.t[i] = time;
    this.v[i] = load;
    this.sum += load;
  }

  /** Mean of the samples no older than the span at time `now`. */
  mean(now: number): number {
    const cutoff = now - this.span;
    const mask = this.t.length - 1;
    while (this.size > 0 && this.t[this.head]! < cutoff) {
      this.sum -= this.v[this.head]!;
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    if (this.size === 0) {
      this.sum = 0; // drop accumulated rounding error whenever the window empties
      return 0;
    }
    return this.sum / this.size;
  }

  private grow(): void {
    const n = this.t.length;
    const t = new Float64Array(2 * n);
    const v = new Float64Array(2 * n);
    for (let k = 0; k < this.size; k++) {
      t[k] = this.t[(this.head + k) & (n - 1)]!;
      v[k] = this.v[(this.head + k) & (n - 1)]!;
    }
    this.t = t;
    this.v = v;
    this.head = 0;
  }
}
