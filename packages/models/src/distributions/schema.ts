import { z } from 'zod';
import { Deterministic, Erlang, Exponential, Uniform } from './basic.ts';
import type { Distribution } from './distribution.ts';
import { Empirical, Lognormal, Pareto, Weibull } from './heavy-tailed.ts';
import { HyperErlang, Hyperexponential, PhaseType } from './phase-type.ts';

/**
 * Distributions as plain data in component parameters (so plans stay JSON): `{ type, ... }`, all
 * values in seconds, all rates per second. The schema checks the shape; `distribution()` below
 * builds the sampler once, in a component's constructor. Either form of a law may be given where
 * two are listed (e.g. exponential by mean or by rate).
 */
const pos = z.number().positive();
const prob = z.number().min(0).max(1);

const variants = z.discriminatedUnion('type', [
  z.object({ type: z.literal('deterministic'), value: z.number().nonnegative() }).strict(),
  z.object({ type: z.literal('uniform'), min: z.number().nonnegative(), max: z.number().nonnegative() }).strict(),
  z.object({ type: z.literal('exponential'), mean: pos.optional(), rate: pos.optional() }).strict(),
  z.object({ type: z.literal('erlang'), k: z.number().int().positive(), mean: pos }).strict(),
  z
    .object({
      type: z.literal('hyperexponential'),
      mean: pos.optional(),
      /** Squared coefficient of variation, ≥ 1. */
      scv: z.number().optional(),
      /** Share of the mean carried by the first phase (Hellemans-Van Houdt's f); 1/2 = balanced means. */
      shape: z.number().optional(),
      probs: z.array(prob).optional(),
      means: z.array(pos).optional(),
    })
    .strict(),
  z.object({ type: z.literal('phase-type'), alpha: z.array(prob).min(1), T: z.array(z.array(z.number())).min(1) }).strict(),
  z
    .object({
      type: z.literal('hyper-erlang'),
      branches: z.array(z.object({ p: prob, k: z.number().int().positive(), mean: pos }).strict()).min(1),
    })
    .strict(),
  z.object({ type: z.literal('pareto'), alpha: pos, scale: pos.optional(), mean: pos.optional() }).strict(),
  z
    .object({ type: z.literal('lognormal'), mean: pos.optional(), scv: z.number().nonnegative().optional(), mu: z.number().optional(), sigma: z.number().nonnegative().optional() })
    .strict(),
  z.object({ type: z.literal('weibull'), shape: pos, scale: pos.optional(), mean: pos.optional() }).strict(),
  z.object({ type: z.literal('empirical'), values: z.array(z.number().nonnegative()).min(1), weights: z.array(z.number().nonnegative()).optional() }).strict(),
]);

export type DistributionSpec = z.output<typeof variants>;

/** Builds the sampler for a spec; throws a RangeError naming what is wrong. */
export function distribution(spec: DistributionSpec): Distribution {
  switch (spec.type) {
    case 'deterministic':
      return new Deterministic(spec.value);
    case 'uniform':
      if (spec.max < spec.min) throw new RangeError(`uniform: max ${spec.max} is below min ${spec.min}`);
      return new Uniform(spec.min, spec.max);
    case 'exponential':
      return new Exponential(one(spec.mean, spec.rate === undefined ? undefined : 1 / spec.rate, 'exponential', 'mean', 'rate'));
    case 'erlang':
      return new Erlang(spec.k, spec.mean);
    case 'hyperexponential': {
      if (spec.probs !== undefined || spec.means !== undefined) {
        if (spec.scv !== undefined || spec.mean !== undefined || spec.shape !== undefined) throw new RangeError('hyperexponential: give either probs and means, or mean, scv (and shape)');
        if (!spec.probs || !spec.means || spec.probs.length !== spec.means.length) throw new RangeError('hyperexponential: probs and means must be given together, of equal length');
        checkSum(spec.probs, 'hyperexponential: probs');
        return new Hyperexponential(Float64Array.from(spec.probs), Float64Array.from(spec.means));
      }
      if (spec.mean === undefined || spec.scv === undefined) throw new RangeError('hyperexponential: give mean and scv (and optionally shape), or probs and means');
      return Hyperexponential.fromScv(spec.mean, spec.scv, spec.shape ?? 0.5);
    }
    case 'phase-type':
      return new PhaseType(Float64Array.from(spec.alpha), spec.T.map((r) => Float64Array.from(r)));
    case 'hyper-erlang': {
      checkSum(spec.branches.map((b) => b.p), 'hyper-erlang: branch probabilities');
      return new HyperErlang(
        Float64Array.from(spec.branches, (b) => b.p),
        Int32Array.from(spec.branches, (b) => b.k),
        Float64Array.from(spec.branches, (b) => b.mean),
      );
    }
    case 'pareto':
      if ((spec.scale === undefined) === (spec.mean === undefined)) throw new RangeError('pareto: give exactly one of scale and mean');
      return spec.scale !== undefined ? new Pareto(spec.alpha, spec.scale) : Pareto.withMean(spec.alpha, spec.mean!);
    case 'lognormal': {
      const byMoments = spec.mean !== undefined || spec.scv !== undefined;
      const byParams = spec.mu !== undefined || spec.sigma !== undefined;
      if (byMoments === byParams) throw new RangeError('lognormal: give either mean and scv, or mu and sigma');
      if (byMoments) {
        if (spec.mean === undefined || spec.scv === undefined) throw new RangeError('lognormal: mean and scv go together');
        return Lognormal.fromMoments(spec.mean, spec.scv);
      }
      if (spec.mu === undefined || spec.sigma === undefined) throw new RangeError('lognormal: mu and sigma go together');
      return new Lognormal(spec.mu, spec.sigma);
    }
    case 'weibull':
      if ((spec.scale === undefined) === (spec.mean === undefined)) throw new RangeError('weibull: give exactly one of scale and mean');
      return spec.scale !== undefined ? new Weibull(spec.shape, spec.scale) : Weibull.withMean(spec.shape, spec.mean!);
    case 'empirical':
      return new Empirical(Float64Array.from(spec.values), spec.weights ? Float64Array.from(spec.weights) : undefined);
  }
}

function one(a: number | undefined, b: number | undefined, law: string, an: string, bn: string): number {
  if ((a === undefined) === (b === undefined)) throw new RangeError(`${law}: give exactly one of ${an} and ${bn}`);
  return (a ?? b)!;
}

function checkSum(p: number[], what: string): void {
  const s = p.reduce((a, b) => a + b, 0);
  if (Math.abs(s - 1) > 1e-9) throw new RangeError(`${what} must sum to 1, got ${s}`);
}

/**
 * The parameter schema for a distribution: the shape above, plus every constraint the sampler
 * checks (so a bad law is reported at plan time, with its field path, not when the run starts).
 */
export const distributionSchema = () =>
  variants
    .superRefine((spec, ctx) => {
      try {
        distribution(spec);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .meta({ title: 'distribution' });
