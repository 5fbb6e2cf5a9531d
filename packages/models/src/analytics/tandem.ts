import { mmc } from './erlang.ts';

/**
 * The broker → network → receiver tandem (Li et al. 2015, as extended in the broker study):
 * stage 1 is M/M/n1; each transmission crosses the network (one-way delay D) and is processed
 * by the receiver (n2 servers, rate μ2); with probability p it turns out corrupt, a negative
 * acknowledgement goes back (delay D) and the broker's network layer resends it without
 * queueing at the broker again. Every attempt costs the receiver a service, so stage 2 sees
 * Λ₂ = λ / (1 - p). With exponential services this is a Jackson (BCMP) network, so the means
 * below are exact, although the flow into stage 2 is not Poisson.
 */
export interface TandemInput {
  lambda: number;
  n1: number;
  mu1: number;
  n2: number;
  mu2: number;
  /** One-way network delay, same time unit as 1/μ. */
  delay: number;
  /** Probability that a transmission fails. */
  failure: number;
}

export interface TandemResult {
  stage2Arrival: number;
  rho1: number;
  rho2: number;
  /** Mean transmissions per message, 1/(1 - p). */
  attempts: number;
  stage1Response: number;
  /** Mean time per visit at the receiver. */
  stage2Response: number;
  /** Mean network time per message: D per attempt plus D per negative acknowledgement. */
  networkTime: number;
  /** Mean end-to-end delivery time. */
  endToEnd: number;
}

export function tandem(p: TandemInput): TandemResult {
  if (!(p.failure >= 0 && p.failure < 1)) throw new RangeError(`tandem: failure probability must be in [0, 1), got ${p.failure}`);
  const attempts = 1 / (1 - p.failure);
  const stage2Arrival = p.lambda * attempts;
  const s1 = mmc(p.lambda, p.mu1, p.n1);
  const s2 = mmc(stage2Arrival, p.mu2, p.n2);
  const networkTime = attempts * p.delay + (attempts - 1) * p.delay;
  return {
    stage2Arrival,
    rho1: s1.utilization,
    rho2: s2.utilization,
    attempts,
    stage1Response: s1.meanResponse,
    stage2Response: s2.meanResponse,
    networkTime,
    endToEnd: s1.meanResponse + attempts * s2.meanResponse + networkTime,
  };
}
