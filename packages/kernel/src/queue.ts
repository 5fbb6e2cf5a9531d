import { doubled, heapInsert, heapRemoveTop } from './heap.ts';

/**
 * The future event list, ordered by (time, order) where order = origin component id * 2^32 +
 * origin sequence number, so ties break the same way under every partition. Event payloads live
 * in slots recycled through a free list, so pushing and popping allocate nothing once the arrays
 * have grown to the run's high-water mark.
 *
 * Three places hold events, and pop always takes the earliest of them, so the order is exactly
 * (time, order) whichever holds what:
 * - the front slot, one event earlier than everything in the heaps when it went in: a message
 *   sent over a short link is usually the very next event, and skips the heaps entirely;
 * - the near heap (binary, heap.ts), every event with time < `horizon`;
 * - the far heap, every event with time >= `horizon`.
 * A shallow queue is one heap (horizon = Infinity). When the heap first holds DEEP events, the
 * queue splits in two tiers: far-future wake-ups (a hyperscale run's hundred server banks) wait
 * in the far heap, so that the near heap, which every timer and probe sifts through, holds a few
 * events instead of a hundred. When the near heap runs empty, the horizon moves to the far heap's
 * earliest time + `window` and the events before it move over (in time order, each lands as a
 * leaf). The near heap is therefore empty only when the far one is too, and its root is the
 * earliest event of both.
 *
 * The window starts at 1 ps and doubles at a refill when more than 1 in 64 heap pushes since the
 * last one went to the far heap (events cross the horizon too often). When one refill brings
 * SHALLOW events or more, the near events alone are many (a datacenter keeps thousands of packets
 * in flight) and the tiers only add work: the queue goes back to one heap for good.
 */
export class EventQueue {
  // The near heap and the far heap (heap.ts): keys inline, payload slots.
  private hTime: Float64Array;
  private hOrder: Float64Array;
  private hSlot: Int32Array;
  private n = 0;
  private farTime: Float64Array;
  private farOrder: Float64Array;
  private farSlot: Int32Array;
  private farN = 0;
  /** Infinity (one heap) until the near heap first holds DEEP events. */
  private horizon = Infinity;
  private window = 1;
  /** DEEP while the queue is one heap, then -1: the near heap's size that splits it. */
  private deepAt = DEEP;
  /** Latest time in the far heap (an upper bound after partial refills). */
  private farMax = -Infinity;
  private nearPushes = 0;
  private farPushes = 0;

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
    this.hTime[0] = Infinity;
    // As large as the slot arrays, like the near heap, so that only the free list needs a test.
    this.farTime = new Float64Array(capacity);
    this.farOrder = new Float64Array(capacity);
    this.farSlot = new Int32Array(capacity);
    this.farTime[0] = Infinity;
    this.sTarget = new Int32Array(capacity);
    this.sNum = new Float64Array(capacity);
    this.sRef = new Array(capacity).fill(undefined);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get size(): number {
    return this.n + this.farN + (this.fTime === Infinity ? 0 : 1);
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    // The near heap's root time is Infinity while it is empty, so this needs no size test.
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

  // Out of line, so that push() stays small enough to be inlined where models send and schedule.
  private heapPush(time: number, order: number, target: number, num: number, ref: unknown): void {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    this.sTarget[slot] = target;
    this.sNum[slot] = num;
    this.sRef[slot] = ref;
    if (this.horizon !== Infinity) {
      this.tieredPush(time, order, slot);
      return;
    }
    // One heap: heapInsert() written out, as the kernel had it before the tiers. A shallow queue
    // (M/M/c) runs this on most events, and should pay nothing for a far heap it never uses.
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
    if (this.n === this.deepAt) this.split();
  }

  private tieredPush(time: number, order: number, slot: number): void {
    if (time < this.horizon) {
      this.nearPushes++;
      heapInsert(this.hTime, this.hOrder, this.hSlot, this.n++, time, order, slot);
    } else {
      this.farPushes++;
      heapInsert(this.farTime, this.farOrder, this.farSlot, this.farN++, time, order, slot);
      if (time > this.farMax) this.farMax = time;
      if (this.n === 0) this.refill();
    }
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
      if (this.farN !== 0) this.refill();
      return;
    }
    // heapRemoveTop() written out, as in heapPush().
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

  /**
   * The queue has grown deep: from now on keep two tiers. The whole heap becomes the far heap
   * (the arrays swap; the far one is empty while there is one tier), and a refill takes back the
   * events of the first window, which starts at 1 ps and doubles as refills find it too narrow.
   */
  private split(): void {
    this.deepAt = -1;
    let max = -Infinity;
    for (let i = this.n >> 1; i < this.n; i++) if (this.hTime[i]! > max) max = this.hTime[i]!; // the leaves
    this.farMax = max;
    this.swapHeaps();
    this.refill();
  }

  private swapHeaps(): void {
    const t = this.hTime;
    const o = this.hOrder;
    const s = this.hSlot;
    const n = this.n;
    this.hTime = this.farTime;
    this.hOrder = this.farOrder;
    this.hSlot = this.farSlot;
    this.n = this.farN;
    this.farTime = t;
    this.farOrder = o;
    this.farSlot = s;
    this.farN = n;
  }

  /** Moves the far heap's events before the next horizon into the (empty) near heap. */
  private refill(): void {
    if (this.farPushes * 64 > this.nearPushes + this.farPushes && this.window < 2 ** 53) this.window *= 2;
    this.nearPushes = 0;
    this.farPushes = 0;
    const horizon = (this.horizon = this.farTime[0]! + this.window);
    if (this.farMax < horizon) {
      // Everything goes: swap the heaps instead of moving the events one by one.
      this.swapHeaps();
      this.farMax = -Infinity;
    } else {
      const fTime = this.farTime;
      const fOrder = this.farOrder;
      const fSlot = this.farSlot;
      while (fTime[0]! < horizon) {
        // In time order, so each lands as a leaf with no sifting.
        heapInsert(this.hTime, this.hOrder, this.hSlot, this.n++, fTime[0]!, fOrder[0]!, fSlot[0]!);
        heapRemoveTop(fTime, fOrder, fSlot, --this.farN);
      }
    }
    if (this.n >= SHALLOW) this.join();
  }

  /**
   * The near heap is deep by itself (the events of one window are many, as in a large network
   * where thousands of packets are in flight): a second tier cannot keep it small and only adds
   * the far pushes and moves. Go back to one heap, for good, so that tiers never flap.
   */
  private join(): void {
    for (let i = 0; i < this.farN; i++) {
      heapInsert(this.hTime, this.hOrder, this.hSlot, this.n++, this.farTime[i]!, this.farOrder[i]!, this.farSlot[i]!);
    }
    this.farN = 0;
    this.farTime[0] = Infinity;
    this.farMax = -Infinity;
    this.horizon = Infinity;
  }

  clear(): void {
    this.fTime = Infinity;
    this.fRef = undefined;
    for (let i = 0; i < this.n; i++) this.sRef[this.hSlot[i]!] = undefined;
    for (let i = 0; i < this.farN; i++) this.sRef[this.farSlot[i]!] = undefined;
    this.n = 0;
    this.hTime[0] = Infinity;
    this.farN = 0;
    this.farTime[0] = Infinity;
    this.horizon = Infinity;
    this.window = 1;
    this.deepAt = DEEP;
    this.farMax = -Infinity;
    this.nearPushes = 0;
    this.farPushes = 0;
    for (let i = 0; i < this.capacity; i++) this.free[i] = this.capacity - 1 - i;
    this.freeTop = this.capacity;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    this.hTime = doubled(this.hTime);
    this.hOrder = doubled(this.hOrder);
    this.hSlot = doubled(this.hSlot);
    this.farTime = doubled(this.farTime);
    this.farOrder = doubled(this.farOrder);
    this.farSlot = doubled(this.farSlot);
    this.sTarget = doubled(this.sTarget);
    this.sNum = doubled(this.sNum);
    for (let i = old; i < cap; i++) this.sRef.push(undefined);
    // Every old slot is in use (the free list was empty); the new ones are all free.
    this.free = new Int32Array(cap);
    for (let i = 0; i < old; i++) this.free[i] = cap - 1 - i;
    this.freeTop = old;
    this.capacity = cap;
  }
}

/**
 * Events in the heap at which the queue splits into two tiers. Below it one binary heap is as
 * fast as any: M/M/c keeps about ten events, and with tiers from the first event ran at 0.84-0.95
 * of its speed (medians of paired runs) for a far heap it had no use for.
 */
const DEEP = 64;
/** Events one refill may bring into the near heap before the tiers are given up (see join()). */
const SHALLOW = 4 * DEEP;

/** Bits of the order key given to the origin's sequence number. */
export const ORDER_SEQ_BITS = 32;
/** Origin component ids must stay below this so that the order key is exact. */
export const MAX_COMPONENT_ID = 2 ** (53 - ORDER_SEQ_BITS);
/** order = originId * ORDER_BASE + seq. */
export const ORDER_BASE = 2 ** ORDER_SEQ_BITS;
