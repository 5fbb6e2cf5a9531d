/**
 * A 4-ary variant of the kernel's EventQueue, kept for the `queue` benchmark: shallower than a
 * binary heap, three compares per level on the way down.
 */
export class QuaternaryHeap {
  private hTime = new Float64Array(1024);
  private hOrder = new Float64Array(1024);
  private hSlot = new Int32Array(1024);
  private sTarget = new Int32Array(1024);
  private sNum = new Float64Array(1024);
  private sRef: unknown[] = new Array(1024).fill(undefined);
  private free = new Int32Array(1024);
  private freeTop = 0;
  private n = 0;
  time = 0;
  order = 0;
  target = 0;
  num = 0;
  ref: unknown = undefined;

  constructor() {
    for (let i = 0; i < 1024; i++) this.free[i] = 1023 - i;
    this.freeTop = 1024;
    this.hTime[0] = Infinity;
  }

  get size(): number {
    return this.n;
  }

  peekTime(): number {
    return this.hTime[0]!;
  }

  push(time: number, order: number, target: number, num: number, ref: unknown): void {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    this.sTarget[slot] = target;
    this.sNum[slot] = num;
    this.sRef[slot] = ref;
    const hTime = this.hTime;
    const hOrder = this.hOrder;
    const hSlot = this.hSlot;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = hTime[p]!;
      if (pt < time || (pt === time && hOrder[p]! < order)) break;
      hTime[i] = pt;
      hOrder[i] = hOrder[p]!;
      hSlot[i] = hSlot[p]!;
      i = p;
    }
    hTime[i] = time;
    hOrder[i] = order;
    hSlot[i] = slot;
  }

  pop(): void {
    const hTime = this.hTime;
    const hOrder = this.hOrder;
    const hSlot = this.hSlot;
    const slot = hSlot[0]!;
    this.time = hTime[0]!;
    this.order = hOrder[0]!;
    this.target = this.sTarget[slot]!;
    this.num = this.sNum[slot]!;
    this.ref = this.sRef[slot];
    this.sRef[slot] = undefined;
    this.free[this.freeTop++] = slot;
    const n = --this.n;
    if (n === 0) {
      hTime[0] = Infinity;
      return;
    }
    const t = hTime[n]!;
    const o = hOrder[n]!;
    const s = hSlot[n]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ct = hTime[c]!;
      let co = hOrder[c]!;
      const last = Math.min(first + 4, n);
      for (let k = first + 1; k < last; k++) {
        const kt = hTime[k]!;
        if (kt < ct || (kt === ct && hOrder[k]! < co)) {
          c = k;
          ct = kt;
          co = hOrder[k]!;
        }
      }
      if (t < ct || (t === ct && o < co)) break;
      hTime[i] = ct;
      hOrder[i] = co;
      hSlot[i] = hSlot[c]!;
      i = c;
    }
    hTime[i] = t;
    hOrder[i] = o;
    hSlot[i] = s;
  }

  private grow(): void {
    const old = this.hTime.length;
    const cap = old * 2;
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.hTime = g64(this.hTime);
    this.hOrder = g64(this.hOrder);
    this.hSlot = g32(this.hSlot);
    this.sTarget = g32(this.sTarget);
    this.sNum = g64(this.sNum);
    for (let i = old; i < cap; i++) this.sRef.push(undefined);
    this.free = new Int32Array(cap);
    for (let i = 0; i < old; i++) this.free[i] = cap - 1 - i;
    this.freeTop = old;
  }
}
