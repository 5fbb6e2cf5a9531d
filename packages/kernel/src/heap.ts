/**
 * Binary min-heap steps over (time, order, slot) triples kept in three typed arrays, ordered by
 * (time, order): the EventQueue keeps two such heaps and the payloads. Keys are inline so
 * sifting reads contiguous memory and never the payloads. Plain functions over the arrays rather
 * than a heap class, so that the two tiers can swap arrays and the queue reads them straight from
 * its own fields. The queue's near-heap push and pop carry their own copies of these loops (its
 * hot path); these serve the far heap and the moves between tiers. Calling these from the hot
 * path instead cost M/M/c about 5 % (9 alternated runs of `bench mmc`, 2026-11-23: median
 * 13.1 M against 13.8 M events/s; whole process 1.045×), so the copies stay.
 */

/** Inserts (time, order, slot) into a heap of `n` entries; the arrays must have room for n + 1. */
export function heapInsert(hTime: Float64Array, hOrder: Float64Array, hSlot: Int32Array, n: number, time: number, order: number, slot: number): void {
  let i = n;
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
 * Removes the root of a heap that holds `n` entries after the removal (read the root first).
 * Bottom-up: walk the hole down to a leaf along the smaller children (one compare per level),
 * then sift the last entry up from there. The last entry is usually late, so it rarely climbs:
 * about half the compares of the textbook sift-down. An empty heap's root time is Infinity.
 */
export function heapRemoveTop(hTime: Float64Array, hOrder: Float64Array, hSlot: Int32Array, n: number): void {
  if (n === 0) {
    hTime[0] = Infinity;
    return;
  }
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

/** A copy of `a` in an array of twice its length (the rest zero). */
export function doubled<A extends Float64Array | Int32Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(a.length * 2);
  b.set(a);
  return b;
}
