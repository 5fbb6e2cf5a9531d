/**
 * An indexed min-heap of n items, each due at a time or absent: the private event list of a
 * component that stands for many servers (server.bank). The kernel then holds one wake-up per
 * component instead of one event per server. Times are kept in heap order beside the items, so
 * sifting reads contiguous memory; ties are broken by item index, the same in every run.
 */
export class Calendar {
  /** Heap entries, interleaved: [2p] due time, [2p + 1] item (a sift reads one cache line per node). */
  private readonly heap: Float64Array;
  /** Heap position of each item, or -1. */
  private readonly pos: Int32Array;
  size = 0;

  constructor(n: number) {
    this.heap = new Float64Array(2 * n);
    this.pos = new Int32Array(n).fill(-1);
  }

  /** Earliest due time, or Infinity. */
  get next(): number {
    return this.size > 0 ? this.heap[0]! : Infinity;
  }

  /** The item due first (the calendar must not be empty). */
  get first(): number {
    return this.heap[1]!;
  }

  /** When item i is due (it must be present). */
  time(i: number): number {
    return this.heap[2 * this.pos[i]!]!;
  }

  has(i: number): boolean {
    return this.pos[i]! >= 0;
  }

  /** Item i becomes due at t (added, or moved if already present). */
  set(i: number, t: number): void {
    const p = this.pos[i]!;
    if (p < 0) this.up(this.size++, i, t);
    else if (t < this.heap[2 * p]!) this.up(p, i, t);
    else this.down(p, i, t);
  }

  remove(i: number): void {
    const p = this.pos[i]!;
    if (p < 0) return;
    this.pos[i] = -1;
    const n = --this.size;
    if (p === n) return;
    const t = this.heap[2 * n]!;
    const item = this.heap[2 * n + 1]!;
    const parent = (p - 1) >> 1;
    if (p > 0 && before(t, item, this.heap[2 * parent]!, this.heap[2 * parent + 1]!)) this.up(p, item, t);
    else this.down(p, item, t);
  }

  /** Places (item, t) at or above hole p. */
  private up(p: number, item: number, t: number): void {
    const h = this.heap;
    const pos = this.pos;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pt = h[2 * parent]!;
      const pi = h[2 * parent + 1]!;
      if (!before(t, item, pt, pi)) break;
      put(h, pos, p, pi, pt);
      p = parent;
    }
    put(h, pos, p, item, t);
  }

  /** Places (item, t) at or below hole p. */
  private down(p: number, item: number, t: number): void {
    const h = this.heap;
    const pos = this.pos;
    const n = this.size;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      let ct = h[2 * c]!;
      let ci = h[2 * c + 1]!;
      if (c + 1 < n) {
        const rt = h[2 * c + 2]!;
        const ri = h[2 * c + 3]!;
        if (before(rt, ri, ct, ci)) {
          c++;
          ct = rt;
          ci = ri;
        }
      }
      if (!before(ct, ci, t, item)) break;
      put(h, pos, p, ci, ct);
      p = c;
    }
    put(h, pos, p, item, t);
  }
}

/** Writes (item, t) into heap slot p: every heap write goes through here, so pos never falls behind. */
function put(h: Float64Array, pos: Int32Array, p: number, item: number, t: number): void {
  h[2 * p] = t;
  h[2 * p + 1] = item;
  pos[item] = p;
}

function before(ta: number, a: number, tb: number, b: number): boolean {
  return ta < tb || (ta === tb && a < b);
}
