import { erlangC, mmc } from './erlang.ts';

/**
 * Priority classes in M/M/c with one exponential service rate μ for all classes; class 0 is the
 * most urgent. Both results are exact under that assumption.
 */
export interface PriorityClassResult {
  lambda: number;
  meanWait: number;
  meanResponse: number;
}

function checkStable(lambdas: number[], mu: number, c: number): number {
  const total = lambdas.reduce((a, b) => a + b, 0);
  if (!(total < c * mu)) throw new RangeError(`priority M/M/${c}: total load ${total / (c * mu)} ≥ 1 is unstable`);
  return total;
}

/**
 * Non-preemptive priority (Cobham 1954): W_k = C(c, a) / (cμ (1 - σ_{k-1})(1 - σ_k)), with
 * σ_k the load of classes 0..k and C Erlang's waiting probability at the total load.
 */
export function mmcNonPreemptivePriority(lambdas: number[], mu: number, c: number): PriorityClassResult[] {
  const total = checkStable(lambdas, mu, c);
  const pWait = erlangC(c, total / mu);
  let sigmaBefore = 0;
  return lambdas.map((lambda) => {
    const sigma = sigmaBefore + lambda / (c * mu);
    const meanWait = pWait / (c * mu * (1 - sigmaBefore) * (1 - sigma));
    sigmaBefore = sigma;
    return { lambda, meanWait, meanResponse: meanWait + 1 / mu };
  });
}

/**
 * Preemptive-resume priority: classes 0..k never see the lower ones, and with one service rate
 * their total number in system is that of M/M/c at their total rate Λ_k. So
 * L_k = Λ_k T(Λ_k) - Λ_{k-1} T(Λ_{k-1}) and T_k = L_k / λ_k (Little).
 */
export function mmcPreemptivePriority(lambdas: number[], mu: number, c: number): PriorityClassResult[] {
  checkStable(lambdas, mu, c);
  let before = 0;
  let inSystemBefore = 0;
  return lambdas.map((lambda) => {
    const upTo = before + lambda;
    const inSystem = mmc(upTo, mu, c).meanInSystem;
    const meanResponse = (inSystem - inSystemBefore) / lambda;
    before = upTo;
    inSystemBefore = inSystem;
    return { lambda, meanWait: meanResponse - 1 / mu, meanResponse };
  });
}
