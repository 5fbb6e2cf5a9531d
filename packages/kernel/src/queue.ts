/**
 * The future event list: a binary min-heap kept in typed arrays, ordered by (time, order) where
 * order = origin component id * 2^32 + origin sequence number. Ties therefore break the same way
 * under every partition. Event payloads live in slots recycled through a free list, so pushing
 * and popping allocate nothing once the arrays have grown to the run's high-water mark.
 *
 * In front of the heap sits one slot for an event earlier than everything in the heap. A message
 * sent over a short link is usually the very next event, so it goes in and out of that slot with
 * no sifting at all; pop takes whichever of the slot and the heap's root is earlier, so the order
 * is exactly the heap's.
 */
export class EventQueue {
  // Heap arrays: keys kept inline so sifting reads contiguous memory.
  private hTime: Float64Array;
  private hOrder: Float64Array;
  private hSlot: Int32Array;
  private n = 0;

  // The front slot; fTime is Infinity when it is empty.
  private fTime = Infinity;
  private fOrder = 0;
  private fTarget = 0;
  private fNum = 0;
  private fRef: unknown = undefined;

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
    this.hTime[0] = Infinity;
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get size(): number {
    return this.n + (this.fTime === Infinity ? 0 : 1);
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    // hTime[0] is kept at Infinity while the heap is empty, so this needs no size test.
    const h = this.hTime[0]!;
    const f = this.fTime;
    return f < h ? f : h;
  }

  /** Order key of the earliest event (the one peekTime() times), or Infinity when empty. */
  peekOrder(): number {
    const h = this.hTime[0]!;
    const f = this.fTime;
    if (f === Infinity && h === Infinity) return Infinity;
    return f < h || (f === h && this.fOrder < this.hOrder[0]!) ? this.fOrder : this.hOrder[0]!;
  }

  push(time: number, order: number, target: number, num: number, ref: unknown): void {
    if (this.fTime === Infinity) {
      const h = this.hTime[0]!;
      if (time < h || (time === h && order < this.hOrder[0]!)) {
        this.fTime = time;
        this.fOrder = order;
        this.fTarget = target;
        this.fNum = num;
        this.fRef = ref;
        return;
      }
    }
    this.heapPush(time, order, target, num, ref);
  }

  private heapPush(time: number, order: number, target: number, num: number, ref: unknown): void {
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

  /**
   * Removes the earliest event if its time is below `limit`, into the fields time/order/num/ref,
   * and returns its target; returns -1 (and removes nothing) otherwise. One call per event for
   * the engine's loop, instead of peekTime() then pop().
   */
  popBefore(limit: number): number {
    const f = this.fTime;
    const h = this.hTime[0]!;
    if (f < h || (f === h && f !== Infinity && this.fOrder < this.hOrder[0]!)) {
      if (f >= limit) return -1;
      this.time = f;
      this.order = this.fOrder;
      this.num = this.fNum;
      this.ref = this.fRef;
      this.fRef = undefined;
      this.fTime = Infinity;
      return (this.target = this.fTarget);
    }
    if (h >= limit) return -1;
    this.heapPop();
    return this.target;
  }

  /** Removes the earliest event into the fields time/order/target/num/ref. The queue must not be empty. */
  pop(): void {
    const f = this.fTime;
    if (f !== Infinity) {
      const h = this.hTime[0]!;
      if (f < h || (f === h && this.fOrder < this.hOrder[0]!)) {
        this.time = f;
        this.order = this.fOrder;
        this.target = this.fTarget;
        this.num = this.fNum;
        this.ref = this.fRef;
        this.fRef = undefined;
        this.fTime = Infinity;
        return;
      }
    }
    this.heapPop();
  }

  private heapPop(): void {
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
    // Bottom-up: walk the hole down to a leaf along the smaller children (one compare per level),
    // then sift the last element up from there. The last element is usually late, so it rarely
    // climbs: about half the compares of the textbook sift-down.
    let i = 0;
    let c = 1;
    while (c < n) {
      const r = c + 1;
      if (r < n) {
        const rt = hTime[r]!;
        const ct = hTime[c]!;
        if (rt < ct || (rt === ct && hOrder[r]! < hOrder[c]!)) c = r;
      }
      hTime[i] = hTime[c]!;
      hOrder[i] = hOrder[c]!;
      hSlot[i] = hSlot[c]!;
      i = c;
      c = 2 * i + 1;
    }
    const t = hTime[n]!;
    const o = hOrder[n]!;
    const s = hSlot[n]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hTime[p]!;
      if (pt < t || (pt === t && hOrder[p]! < o)) break;
      hTime[i] = pt;
      hOrder[i] = hOrder[p]!;
      hSlot[i] = hSlot[p]!;
      i = p;
    }
    hTime[i] = t;
    hOrder[i] = o;
    hSlot[i] = s;
  }

  clear(): void {
    this.fTime = Infinity;
    this.fRef = undefined;
    for (let i = 0; i < this.n; i++) this.sRef[this.hSlot[i]!] = undefined;
    this.n = 0;
    this.hTime[0] = Infinity;
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
