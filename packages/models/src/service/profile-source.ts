import { z } from 'zod';
import { Component, defineSpec, SEC, units } from '@splitsim/kernel';
import { distribution, distributionSchema, type Distribution } from '../distributions/index.ts';
import { answerProbes } from './probe-port.ts';
import { MAX_CLASS, tag } from './protocol.ts';

const rate = z.number().nonnegative();

const profile = z.discriminatedUnion('type', [
  /** The post's SpikeProfile: baseline, then spike from warmup for duration, then baseline again. */
  z.object({ type: z.literal('spike'), baseline: rate, spike: rate, warmup: units.time(), duration: units.time() }).strict(),
  /** A rate from each step's time on; before the first step the source is silent. */
  z.object({ type: z.literal('piecewise'), steps: z.array(z.object({ at: units.time(), rate }).strict()).min(1) }).strict(),
]).meta({ title: 'profile' });

const params = z
  .object({
    /** Arrival epochs per second (without a profile). */
    rate: rate.optional(),
    /** Poisson epochs, or evenly spaced ones (the post's constant-rate provider). */
    process: z.enum(['poisson', 'constant']).default('poisson'),
    profile: profile.optional(),
    /** A renewal process instead: gaps drawn from this law (seconds); rate and profile must be absent. */
    interarrival: distributionSchema().optional(),
    /** Jobs per arrival epoch (batch arrivals). */
    batch: z.number().int().positive().default(1),
    /** Jobs to emit in all; unlimited by default. */
    jobs: z.number().int().nonnegative().optional(),
    start: units.time().default(0),
    /** No arrivals after this time. */
    stop: units.time().optional(),
    /** The customer of each job: a fixed id, or uniform over [from, to]. */
    customers: z.union([z.number().int().nonnegative(), z.object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() }).strict()]).default(0),
    /** Class carried by every job (priority, latency class). */
    class: z.number().int().min(0).max(MAX_CLASS).default(0),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ways = [p.rate !== undefined, p.profile !== undefined, p.interarrival !== undefined].filter(Boolean).length;
    if (ways !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of rate, profile and interarrival' });
    if (p.interarrival && p.process !== 'poisson') ctx.addIssue({ code: 'custom', path: ['process'], message: 'process does not apply with interarrival' });
    if (typeof p.customers === 'object' && p.customers.to < p.customers.from) ctx.addIssue({ code: 'custom', path: ['customers'], message: 'to must be ≥ from' });
  });

type Params = z.output<typeof params>;

/**
 * Emits jobs with an arrival profile: constant rate or Poisson, a spike over a baseline,
 * piecewise-constant rates, a renewal process with any gap law, in batches. A job is
 * (creation time, tag of customer and class): no allocation per job.
 *
 * Time-varying rates are exact: the next epoch is where the integrated rate since the last one
 * reaches an Exp(1) draw (Poisson) or 1 (constant), walking the profile's pieces.
 */
export class ProfileSource extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'source.profile',
    kinds: ['source'],
    description: 'Arrivals: constant, Poisson, spike, piecewise or renewal (any gap law), in batches; customer ids and class on every job',
    ports: ['out', 'probe'],
    params,
    statistics: {
      sent: { type: 'counter', unit: 'jobs', description: 'Jobs emitted (each job of a batch counts)' },
    },
  });

  private readonly out = this.ctx.port('out');
  private readonly tick = this.ctx.timer(() => this.arrive());
  private readonly sent = this.ctx.stats.counter('sent');
  private readonly rng = this.ctx.rng;
  /** Piece start times (ps) and rates (per ps). */
  private readonly at: Float64Array;
  private readonly perPs: Float64Array;
  private readonly gaps: Distribution | null;
  private readonly stop: number;
  private left: number;
  /** The exact (fractional ps) time of the pending epoch; events fire at its rounding. */
  private t: number;
  private piece = 0;

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const p = this.params;
    this.gaps = p.interarrival ? distribution(p.interarrival) : null;
    let steps: Array<{ at: number; rate: number }>;
    if (p.profile?.type === 'spike') {
      const { baseline, spike, warmup, duration } = p.profile;
      steps = [{ at: 0, rate: baseline }, { at: warmup, rate: spike }, { at: warmup + duration, rate: baseline }];
    } else if (p.profile?.type === 'piecewise') steps = [{ at: 0, rate: 0 }, ...p.profile.steps].sort((a, b) => a.at - b.at);
    else steps = [{ at: 0, rate: p.rate ?? 0 }];
    this.at = Float64Array.from(steps, (s) => s.at);
    this.perPs = Float64Array.from(steps, (s) => s.rate / SEC);
    this.stop = p.stop ?? Infinity;
    this.left = p.jobs ?? Infinity;
    this.t = p.start;
    answerProbes(this.ctx, { sent: () => this.sent.value, rate: () => this.rateAt(this.ctx.now) });
  }

  override init(): void {
    this.plan();
  }

  /** The profile's rate at time t, per second. */
  private rateAt(t: number): number {
    let k = 0;
    while (k + 1 < this.at.length && this.at[k + 1]! <= t) k++;
    return this.perPs[k]! * SEC;
  }

  /** Finds the next epoch after this.t and schedules it, unless past stop or out of jobs. */
  private plan(): void {
    if (this.left <= 0) return;
    let t: number;
    if (this.gaps) t = this.t + this.gaps.sample(this.rng) * SEC;
    else {
      let need = this.params.process === 'poisson' ? this.rng.exponential(1) : 1;
      t = this.t;
      let k = this.piece;
      for (;;) {
        const end = k + 1 < this.at.length ? this.at[k + 1]! : Infinity;
        const r = this.perPs[k]!;
        if (r > 0 && need <= r * (end - t)) {
          t += need / r;
          break;
        }
        if (end === Infinity) return; // the last piece has rate 0: no more arrivals
        if (r > 0) need -= r * (end - t);
        t = end;
        k++;
      }
      this.piece = k;
    }
    if (t > this.stop) return;
    this.t = t;
    this.ctx.schedule(this.tick, Math.max(0, Math.round(t) - this.ctx.now));
  }

  private arrive(): void {
    const now = this.ctx.now;
    const p = this.params;
    const n = Math.min(p.batch, this.left);
    for (let i = 0; i < n; i++) {
      const c = typeof p.customers === 'number' ? p.customers : p.customers.from + this.rng.int(p.customers.to - p.customers.from + 1);
      this.out.send(now, tag(c, p.class));
    }
    this.sent.value += n;
    this.left -= n;
    this.plan();
  }
}
