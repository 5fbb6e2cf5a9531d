/**
 * Small dense linear algebra for the analytics: phase-type moments and the stationary
 * distributions of the cavity queues have tens to a few hundred states, so plain Gaussian
 * elimination with partial pivoting is exact enough and needs no dependency.
 * Matrices are arrays of rows (Float64Array).
 */
export type Matrix = Float64Array[];

export function zeros(n: number, m = n): Matrix {
  return Array.from({ length: n }, () => new Float64Array(m));
}

export function identity(n: number): Matrix {
  const a = zeros(n);
  for (let i = 0; i < n; i++) a[i]![i] = 1;
  return a;
}

export function copy(a: Matrix): Matrix {
  return a.map((r) => Float64Array.from(r));
}

/** Solves A x = b (A square); throws on a singular matrix. A and b are left untouched. */
export function solve(a: Matrix, b: ArrayLike<number>): Float64Array {
  const n = a.length;
  const m = copy(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[piv]![col]!)) piv = r;
    if (Math.abs(m[piv]![col]!) < 1e-300) throw new RangeError('singular matrix');
    if (piv !== col) {
      [m[piv], m[col]] = [m[col]!, m[piv]!];
      [x[piv], x[col]] = [x[col]!, x[piv]!];
    }
    const rowC = m[col]!;
    const d = rowC[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = m[r]!;
      const f = row[col]! / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) row[k]! -= f * rowC[k]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    const row = m[r]!;
    for (let k = r + 1; k < n; k++) s -= row[k]! * x[k]!;
    x[r] = s / row[r]!;
  }
  return x;
}

/** Row vector v times A. */
export function vecMat(v: ArrayLike<number>, a: Matrix): Float64Array {
  const m = a[0]?.length ?? 0;
  const out = new Float64Array(m);
  for (let i = 0; i < a.length; i++) {
    const vi = v[i]!;
    if (vi === 0) continue;
    const row = a[i]!;
    for (let j = 0; j < m; j++) out[j]! += vi * row[j]!;
  }
  return out;
}

/** x A = y, i.e. Aᵀ xᵀ = yᵀ. */
export function solveLeft(a: Matrix, y: ArrayLike<number>): Float64Array {
  const n = a.length;
  const t = zeros(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j]![i] = a[i]![j]!;
  return solve(t, y);
}

/**
 * Stationary distribution π of a CTMC generator Q (rows sum to zero): π Q = 0, Σ π = 1.
 * One balance equation is replaced by the normalisation, the standard trick.
 */
export function stationary(q: Matrix): Float64Array {
  const n = q.length;
  const t = zeros(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j]![i] = q[i]![j]!;
  const b = new Float64Array(n);
  t[n - 1]!.fill(1);
  b[n - 1] = 1;
  const pi = solve(t, b);
  // Round-off can leave tiny negatives on states that are nearly transient.
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (pi[i]! < 0) pi[i] = 0;
    s += pi[i]!;
  }
  for (let i = 0; i < n; i++) pi[i]! /= s;
  return pi;
}
