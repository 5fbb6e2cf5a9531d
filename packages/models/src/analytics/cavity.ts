import type { PhaseTypeRepresentation } from '../distributions/distribution.ts';
import { solve, stationary, zeros, type Matrix } from './linalg.ts';

/**
 * The queue at the cavity for four load balancers with a bounded maximum queue length
 * (Hellemans, Kielanski and Van Houdt, "Performance of load balancers with bounded maximum
 * queue length in case of non-exponential job sizes"): the N → ∞ limit in which one server's
 * queue is a small Markov chain with two unknowns, a level L and a rate (or probability), fixed
 * by the requirement that the server is idle a fraction 1 - λ of the time. Job sizes are
 * phase-type with mean 1, servers work at rate 1 (1 - p under resource pooling) and λ < 1 is the
 * arrival rate per server; so times are in mean job sizes.
 *
 * Each solver builds the chain's generator on (estimate, queue length, phase) as described in
 * the paper's sections 4-7, finds L by the monotonicity argument the paper gives (the idle
 * probability falls as L or the rate grows) and the rate by bisection.
 */
export interface CavityResult {
  policy: 'push' | 'pull' | 'water-filling' | 'resource-pooling';
  /** The level L of the paper: queues hold at most L + 1 jobs (push, pull, water filling) or L (pooling). */
  level: number;
  /** The second unknown: arrival rate at estimate L (push, pull), β (water filling), γ (pooling). */
  rate: number;
  maxQueueLength: number;
  /** P(queue length = k), k = 0..maxQueueLength. */
  queueLength: Float64Array;
  meanQueueLength: number;
  /** Mean response time in mean job sizes (Little's law over all jobs). */
  meanResponse: number;
}

interface Ph {
  n: number;
  alpha: Float64Array;
  T: Matrix;
  exit: Float64Array;
}

function normalise(rep: PhaseTypeRepresentation): Ph {
  const n = rep.alpha.length;
  // Rescale to mean 1 (mean = α(-T)⁻¹1): the model measures time in mean job sizes.
  const u = solve(rep.T.map((r) => Float64Array.from(r, (x) => -x)), new Float64Array(n).fill(1));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += rep.alpha[i]! * u[i]!;
  const T = rep.T.map((r) => Float64Array.from(r, (x) => x * mean));
  const exit = Float64Array.from(T, (r) => -r.reduce((a, b) => a + b, 0));
  return { n, alpha: Float64Array.from(rep.alpha), T, exit };
}

/** Accumulates a generator: add(from, to, rate) and the diagonal is filled at the end. */
class Generator {
  readonly q: Matrix;
  constructor(readonly size: number) {
    this.q = zeros(size);
  }
  add(from: number, to: number, rate: number): void {
    if (from === to || rate === 0) return;
    this.q[from]![to]! += rate;
  }
  /** Adds rate·α spread over the phases of a level starting at index `base`. */
  addFresh(from: number, base: number, rate: number, ph: Ph): void {
    for (let j = 0; j < ph.n; j++) this.add(from, base + j, rate * ph.alpha[j]!);
  }
  done(): Matrix {
    for (let i = 0; i < this.size; i++) {
      let s = 0;
      for (let j = 0; j < this.size; j++) if (j !== i) s += this.q[i]![j]!;
      this.q[i]![i] = -s;
    }
    return this.q;
  }
}

/** A chain whose states are (queue length q, phase), per estimate block; index helpers. */
class Levels {
  /** Index of (q = 0) and of (q ≥ 1, phase i) within a block of max length m starting at base. */
  static idle(base: number): number {
    return base;
  }
  static busy(base: number, q: number, i: number, n: number): number {
    return base + 1 + (q - 1) * n + i;
  }
  static size(m: number, n: number): number {
    return 1 + m * n;
  }
}

interface Solved {
  pi: Float64Array;
  /** P(q = k) */
  dist: Float64Array;
}

function bisect(f: (x: number) => number, target: number, increasing: boolean): number {
  // x in [0, 1) maps to a rate x / (1 - x) in [0, ∞).
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    const v = f(mid / (1 - mid));
    if (v < target === increasing) lo = mid;
    else hi = mid;
  }
  const x = (lo + hi) / 2;
  return x / (1 - x);
}

function finish(policy: CavityResult['policy'], level: number, rate: number, maxQ: number, dist: Float64Array, lambda: number): CavityResult {
  let mean = 0;
  for (let k = 0; k < dist.length; k++) mean += k * dist[k]!;
  return { policy, level, rate, maxQueueLength: maxQ, queueLength: dist, meanQueueLength: mean, meanResponse: lambda > 0 ? mean / lambda : 0 };
}

type Fill = (from: number, keepPhase: number) => void;
/** What push and pull add to the common transitions out of state s = (e, q, phase i): how updates arrive. */
type Update = (g: Generator, s: number, e: 0 | 1, q: number, i: number, fill: Fill) => void;

/**
 * Two estimate blocks, e = L and e = L + 1, for push and pull. A completion keeps the estimate
 * with probability `stay` (push: 1, pull: 1 - p); `update` adds the rest. Each row is written
 * only while its own state is visited, in the order phase change, arrival, completion, update.
 */
function estimateChain(L: number, ph: Ph, a: number, stay: number, update: Update): Solved {
  const n = ph.n;
  const base = [0, Levels.size(L, n)] as const;
  const size = base[1] + Levels.size(L + 1, n);
  const g = new Generator(size);
  const at = (e: 0 | 1, q: number, i: number) => (q === 0 ? base[e] : Levels.busy(base[e], q, i, n));
  // Jump to (L, L): keep the phase in service when the queue was busy, else start a fresh job.
  const fill: Fill = (from, keepPhase) => {
    if (L === 0) g.add(from, base[0], 1);
    else if (keepPhase >= 0) g.add(from, at(0, L, keepPhase), 1);
    else g.addFresh(from, at(0, L, 0), 1, ph);
  };
  for (const e of [0, 1] as const) {
    const m = L + e;
    for (let q = 0; q <= m; q++) {
      for (let i = 0; i < (q === 0 ? 1 : n); i++) {
        const s = at(e, q, i);
        if (q > 0) {
          for (let j = 0; j < n; j++) if (j !== i) g.add(s, at(e, q, j), ph.T[i]![j]!);
        }
        if (e === 0 && a > 0) {
          if (q === 0) g.addFresh(s, at(1, 1, 0), a, ph);
          else g.add(s, at(1, q + 1, i), a);
        }
        if (q > 0) {
          // Completion without an update: the next job (if any) starts a fresh phase; the estimate stays.
          const rate = ph.exit[i]! * stay;
          if (q === 1) g.add(s, at(e, 0, 0), rate);
          else g.addFresh(s, at(e, q - 1, 0), rate, ph);
        }
        update(g, s, e, q, i, fill);
      }
    }
  }
  const pi = stationary(g.done());
  const dist = new Float64Array(L + 2);
  for (const e of [0, 1] as const) {
    for (let q = 0; q <= L + e; q++) for (let i = 0; i < (q === 0 ? 1 : n); i++) dist[q]! += pi[at(e, q, i)]!;
  }
  return { pi, dist };
}

/** Scales a row of unit fill transitions: fill() writes rate 1, we need rate r. */
function scaledFill(g: Generator, fill: Fill, from: number, keep: number, rate: number): void {
  if (rate === 0) return;
  const before = Float64Array.from(g.q[from]!);
  fill(from, keep);
  const row = g.q[from]!;
  for (let j = 0; j < row.length; j++) row[j] = before[j]! + (row[j]! - before[j]!) * rate;
}

function pushChain(L: number, a: number, delta: number, ph: Ph): Solved {
  return estimateChain(L, ph, a, 1, (g, s, e, q, i, fill) => {
    // Probe: the estimate becomes the true length, and a length below L is filled to L at once.
    if (q <= L && !(e === 0 && q === L)) scaledFill(g, fill, s, q === 0 ? -1 : i, delta);
  });
}

function pullChain(L: number, a: number, p: number, r: number, ph: Ph): Solved {
  // An update (probability p at a completion, rate r while idle) resets the estimate and fills to L.
  return estimateChain(L, ph, a, 1 - p, (g, s, _e, q, i, fill) => scaledFill(g, fill, s, -1, q > 0 ? ph.exit[i]! * p : r));
}

function levelFor(busy: (L: number) => number, lambda: number, what: string): number {
  for (let L = 0; L < 10_000; L++) if (busy(L + 1) >= lambda) return L;
  throw new RangeError(`${what}: no level found below 10000 (is λ < 1?)`);
}

function checkLambda(lambda: number, what: string): void {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`${what}: λ must lie in (0, 1), got ${lambda}`);
}

/** Push (hyper-scalable JSQ, van der Boor et al.): the dispatcher probes a random server at rate δN. */
export function cavityPush(lambda: number, delta: number, size: PhaseTypeRepresentation): CavityResult {
  checkLambda(lambda, 'push');
  const ph = normalise(size);
  const busy = (L: number, a: number) => 1 - pushChain(L, a, delta, ph).dist[0]!;
  const L = levelFor((l) => busy(l, 0), lambda, 'push');
  const a = bisect((x) => busy(L, x), lambda, true);
  return finish('push', L, a, L + 1, pushChain(L, a, delta, ph).dist, lambda);
}

/**
 * Pull: a server reports its length with probability p at each completion and at rate r while
 * idle; the overall update rate is δ = λp + (1 - λ)r.
 */
export function cavityPull(lambda: number, p: number, r: number, size: PhaseTypeRepresentation): CavityResult {
  checkLambda(lambda, 'pull');
  const ph = normalise(size);
  const busy = (L: number, a: number) => 1 - pullChain(L, a, p, r, ph).dist[0]!;
  const L = levelFor((l) => busy(l, 0), lambda, 'pull');
  const a = bisect((x) => busy(L, x), lambda, true);
  return finish('pull', L, a, L + 1, pullChain(L, a, p, r, ph).dist, lambda);
}

function waterChain(L: number, beta: number, delta: number, ph: Ph): Float64Array {
  const n = ph.n;
  const g = new Generator(Levels.size(L + 1, n));
  const at = (q: number, i: number) => (q === 0 ? 0 : Levels.busy(0, q, i, n));
  for (let q = 0; q <= L + 1; q++) {
    for (let i = 0; i < (q === 0 ? 1 : n); i++) {
      const s = at(q, i);
      if (q > 0) {
        for (let j = 0; j < n; j++) if (j !== i) g.add(s, at(q, j), ph.T[i]![j]!);
        if (q === 1) g.add(s, 0, ph.exit[i]!);
        else g.addFresh(s, at(q - 1, 0), ph.exit[i]!, ph);
      }
      if (q <= L) {
        // Sampled by a batch: filled to L, and to L + 1 with probability β.
        for (const [to, w] of [[L, 1 - beta], [L + 1, beta]] as const) {
          if (w === 0 || to === q) continue;
          if (to === 0) g.add(s, 0, delta * w);
          else if (q === 0) g.addFresh(s, at(to, 0), delta * w, ph);
          else g.add(s, at(to, i), delta * w);
        }
      }
    }
  }
  const pi = stationary(g.done());
  const dist = new Float64Array(L + 2);
  for (let q = 0; q <= L + 1; q++) for (let i = 0; i < (q === 0 ? 1 : n); i++) dist[q]! += pi[at(q, i)]!;
  return dist;
}

/** Water filling (Ying et al.): batches probe δ·(batch size)/λ servers each and fill them level by level. */
export function cavityWaterFilling(lambda: number, delta: number, size: PhaseTypeRepresentation): CavityResult {
  checkLambda(lambda, 'water filling');
  const ph = normalise(size);
  const busy = (L: number, b: number) => 1 - waterChain(L, b, delta, ph)[0]!;
  const L = levelFor((l) => busy(l, 0), lambda, 'water filling');
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (busy(L, mid) < lambda) lo = mid;
    else hi = mid;
  }
  const beta = (lo + hi) / 2;
  return finish('water-filling', L, beta, L + 1, waterChain(L, beta, delta, ph), lambda);
}

function poolingChain(L: number, gamma: number, lambda: number, p: number, ph: Ph): Float64Array {
  const n = ph.n;
  const g = new Generator(Levels.size(L, n));
  const at = (q: number, i: number) => (q === 0 ? 0 : Levels.busy(0, q, i, n));
  const speed = 1 - p;
  for (let q = 0; q <= L; q++) {
    for (let i = 0; i < (q === 0 ? 1 : n); i++) {
      const s = at(q, i);
      if (q > 0) {
        for (let j = 0; j < n; j++) if (j !== i) g.add(s, at(q, j), ph.T[i]![j]! * speed);
        if (q === 1) g.add(s, 0, ph.exit[i]! * speed);
        else g.addFresh(s, at(q - 1, 0), ph.exit[i]! * speed, ph);
      }
      // Arrivals at a longest queue are taken by the central server at once: no transition.
      if (q < L) {
        if (q === 0) g.addFresh(s, at(1, 0), lambda, ph);
        else g.add(s, at(q + 1, i), lambda);
      }
      // Spare central capacity steals a pending job (the one in service when it is alone).
      if (q === L && L > 0) g.add(s, L === 1 ? 0 : at(L - 1, i), gamma);
    }
  }
  const pi = stationary(g.done());
  const dist = new Float64Array(L + 1);
  for (let q = 0; q <= L; q++) for (let i = 0; i < (q === 0 ? 1 : n); i++) dist[q]! += pi[at(q, i)]!;
  return dist;
}

/**
 * Resource pooling (Tsitsiklis and Xu): random assignment, servers at rate 1 - p, a central
 * server at rate pN that always serves a job of a longest queue.
 */
export function cavityResourcePooling(lambda: number, p: number, size: PhaseTypeRepresentation): CavityResult {
  checkLambda(lambda, 'resource pooling');
  if (!(p > 0 && p < 1)) throw new RangeError(`resource pooling: p must lie in (0, 1), got ${p}`);
  if (lambda <= p) return finish('resource-pooling', 0, 0, 0, Float64Array.of(1), lambda);
  const ph = normalise(size);
  const idleTarget = (1 - lambda) / (1 - p);
  const idle = (L: number, gamma: number) => poolingChain(L, gamma, lambda, p, ph)[0]!;
  let L = 1;
  while (idle(L, 0) > idleTarget) {
    if (++L > 10_000) throw new RangeError('resource pooling: no level found below 10000');
  }
  const gamma = bisect((x) => idle(L, x), idleTarget, true);
  return finish('resource-pooling', L, gamma, L, poolingChain(L, gamma, lambda, p, ph), lambda);
}
