/**
 * Erlang's formulas for the M/M/c queue, the reference results our simulations are checked against.
 * a = λ/μ is the offered load in Erlangs; c the number of servers.
 */

/** Erlang B: probability that an arrival finds all c servers busy in M/M/c/c (no waiting room). */
export function erlangB(c: number, a: number): number {
  // The stable recurrence B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability that an arrival waits in M/M/c (requires a < c). */
export function erlangC(c: number, a: number): number {
  if (!(a < c)) return 1;
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

export interface MmcResult {
  /** Server utilisation ρ = λ / (cμ). */
  utilization: number;
  /** Probability of waiting. */
  pWait: number;
  /** Mean time in line, Wq. */
  meanWait: number;
  /** Mean time in system, W = Wq + 1/μ. */
  meanResponse: number;
  /** Mean number in line, Lq = λ Wq. */
  meanQueueLength: number;
  /** Mean number in system, L = λ W. */
  meanInSystem: number;
}

/** Steady-state M/M/c figures for arrival rate λ and per-server service rate μ (same time unit). */
export function mmc(lambda: number, mu: number, c: number): MmcResult {
  const a = lambda / mu;
  const rho = a / c;
  if (!(rho < 1)) throw new RangeError(`M/M/${c} with λ=${lambda}, μ=${mu} is unstable (ρ = ${rho} ≥ 1)`);
  const pWait = erlangC(c, a);
  const meanWait = pWait / (c * mu - lambda);
  const meanResponse = meanWait + 1 / mu;
  return { utilization: rho, pWait, meanWait, meanResponse, meanQueueLength: lambda * meanWait, meanInSystem: lambda * meanResponse };
}

export interface MmckResult {
  /** Probability that an arrival finds the system full (K jobs) and is rejected. */
  blocking: number;
  /** Accepted arrival rate, λ (1 - P_K). */
  throughput: number;
  /** Mean busy servers over c. */
  utilization: number;
  /** Mean time in line of an accepted job. */
  meanWait: number;
  /** Mean time in system of an accepted job. */
  meanResponse: number;
  meanQueueLength: number;
  meanInSystem: number;
  /** P(n jobs in system), n = 0..K. */
  probabilities: Float64Array;
}

/**
 * M/M/c/K: c servers, room for K jobs in all (K ≥ c), arrivals beyond it rejected. Stable for
 * every λ. Terms are built in log space so large K or heavy overload does not overflow.
 */
export function mmck(lambda: number, mu: number, c: number, k: number): MmckResult {
  if (!(Number.isInteger(c) && c >= 1 && Number.isInteger(k) && k >= c)) throw new RangeError(`M/M/c/K needs integers K ≥ c ≥ 1, got c=${c}, K=${k}`);
  const a = lambda / mu;
  const logs = new Float64Array(k + 1);
  for (let n = 1; n <= k; n++) logs[n] = logs[n - 1]! + Math.log(a / Math.min(n, c));
  const top = Math.max(...logs);
  const p = Float64Array.from(logs, (l) => Math.exp(l - top));
  const total = p.reduce((s, x) => s + x, 0);
  let l = 0;
  let lq = 0;
  let busy = 0;
  for (let n = 0; n <= k; n++) {
    p[n]! /= total;
    l += n * p[n]!;
    lq += Math.max(0, n - c) * p[n]!;
    busy += Math.min(n, c) * p[n]!;
  }
  const blocking = p[k]!;
  const throughput = lambda * (1 - blocking);
  return {
    blocking,
    throughput,
    utilization: busy / c,
    meanWait: lq / throughput,
    meanResponse: l / throughput,
    meanQueueLength: lq,
    meanInSystem: l,
    probabilities: p,
  };
}
