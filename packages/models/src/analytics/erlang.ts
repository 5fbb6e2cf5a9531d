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
