/**
 * The future event list: a binary min-heap kept in typed arrays, ordered by (time, order) where
 * order = origin component id * 2^32 + origin sequence number. Ties therefore break the same way
 * under every partition. Event payloads live in slots recycled through a free list, so pushing
 * and popping allocate nothing once the arrays have grown to the run's high-water mark.
 */
export class EventQueue {
  // Heap arrays: keys kept inline so sifting reads contiguous memory.
  private hTime: Float64Array;
  private hOrder: Float64Array;
  private hSlot: Int32Array;
  private n = 0;

  // Slot arrays: the payload of each pending event.
  private sTarget: Int32Array;
  private sNum: Float64Array;
  private sRef: unknown[];
  private free: Int32Array;
  private freeTop = 0;
  private capacity: number;

  /** Filled by pop(): the event just taken. Read them before the next push or pop. */
  time = 0;
  order = 0;
  target = 0;
  num = 0;
  ref: unknown = undefined;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.hTime = new Float64Array(capacity);
    this.hOrder = new Float64Array(capacity);
    this.hSlot = new Int32Array(capacity);
    this.sTarget = new Int32Array(capacity);
    this.sNum = new Float64Array(capacity);
    this.sRef = new Array(capacity).fill(undefined);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.hTime[0]! : Infinity;
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
      const p = (i - 1) >> 1;
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

  /** Removes the earliest event into the fields time/order/target/num/ref. The queue must not be empty. */
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
    if (n === 0) return;
    const t = hTime[n]!;
    const o = hOrder[n]!;
    const s = hSlot[n]!;
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = hTime[c]!;
      let co = hOrder[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = hTime[r]!;
        if (rt < ct || (rt === ct && hOrder[r]! < co)) {
          c = r;
          ct = rt;
          co = hOrder[r]!;
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

  clear(): void {
    for (let i = 0; i < this.n; i++) this.sRef[this.hSlot[i]!] = undefined;
    this.n = 0;
    for (let i = 0; i < this.capacity; i++) this.free[i] = this.capacity - 1 - i;
    this.freeTop = this.capacity;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.hTime = f64(this.hTime);
    this.hOrder = f64(this.hOrder);
    this.hSlot = i32(this.hSlot);
    this.sTarget = i32(this.sTarget);
    this.sNum = f64(this.sNum);
    for (let i = old; i < cap; i++) this.sRef.push(undefined);
    // Every old slot is in use (the free list was empty); the new ones are all free.
    this.free = new Int32Array(cap);
    for (let i = 0; i < old; i++) this.free[i] = cap - 1 - i;
    this.freeTop = old;
    this.capacity = cap;
  }
}

/** Bits of the order key given to the origin's sequence number. */
export const ORDER_SEQ_BITS = 32;
/** Origin component ids must stay below this so that the order key is exact. */
export const MAX_COMPONENT_ID = 2 ** (53 - ORDER_SEQ_BITS);
/** order = originId * ORDER_BASE + seq. */
export const ORDER_BASE = 2 ** ORDER_SEQ_BITS;
