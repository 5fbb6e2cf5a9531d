/**
 * The textbook alternative, kept for the `queue` benchmark: a binary heap of event objects, one
 * allocation per event (what SimPy-style engines do).
 */
interface Ev {
  time: number;
  order: number;
  target: number;
  num: number;
  ref: unknown;
}

export class ObjectHeap {
  private heap: Ev[] = [];
  time = 0;
  order = 0;
  target = 0;
  num = 0;
  ref: unknown = undefined;

  get size(): number {
    return this.heap.length;
  }

  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0]!.time : Infinity;
  }

  push(time: number, order: number, target: number, num: number, ref: unknown): void {
    const h = this.heap;
    const e: Ev = { time, order, target, num, ref };
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p]!;
      if (pe.time < time || (pe.time === time && pe.order < order)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  pop(): void {
    const h = this.heap;
    const top = h[0]!;
    this.time = top.time;
    this.order = top.order;
    this.target = top.target;
    this.num = top.num;
    this.ref = top.ref;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (h[r]!.time < h[c]!.time || (h[r]!.time === h[c]!.time && h[r]!.order < h[c]!.order))) c = r;
      const ce = h[c]!;
      if (last.time < ce.time || (last.time === ce.time && last.order < ce.order)) break;
      h[i] = ce;
      i = c;
    }
    h[i] = last;
  }
}
