/** Distributions for service times, interarrival gaps and job sizes, with exact moments. */
export { Distribution, gamma, type PhaseTypeRepresentation } from './distribution.ts';
export { Deterministic, Uniform, Exponential, Erlang } from './basic.ts';
export { Hyperexponential, HyperErlang, PhaseType } from './phase-type.ts';
export { Pareto, Lognormal, Weibull, Empirical } from './heavy-tailed.ts';
export { distribution, distributionSchema, type DistributionSpec } from './schema.ts';
