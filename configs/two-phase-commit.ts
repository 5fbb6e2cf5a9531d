/**
 * Two-phase commit (the broker study's 2PC, seed 002) with presumed abort, as three independent
 * stations of one system, each a coordinator and its participants (models from
 * @splitsim/protocols):
 *
 * - `normal`: Poisson transactions, each participant votes NO with a small probability: commit
 *   latency against 2L + 2·persist, the abort rate against 1 - (1 - p)^n;
 * - `blocking`: transactions every 100 ms and a coordinator crash between the phases (after the
 *   votes of one transaction, before its commit decision is on disk): its participants stay
 *   prepared, blocked, until they ask again after the coordinator recovered; the longest blocked
 *   time against that analytic value;
 * - `timeouts`: a participant down for a while: transactions time out waiting for its vote and
 *   abort, about λ·(down time) of them.
 *
 *   splitsim run configs/two-phase-commit.ts
 *   splitsim run configs/two-phase-commit.ts --inst split --placement process
 */
import { z, defineConfig, manual, MS, parseTime, SEC, System, type ComponentMetrics, type Figure } from 'splitsim';
import { pooled } from '@splitsim/protocols';

const time = z.union([z.string(), z.number()]);
const STATIONS = ['normal', 'blocking', 'timeouts'] as const;

const params = z
  .object({
    stations: z.array(z.enum(STATIONS)).default([...STATIONS]),
    participants: z.number().int().min(1).max(30).default(3),
    /** Transactions per second (normal and timeouts stations). */
    rate: z.number().positive().default(20),
    /** Probability that a participant votes NO (normal station). */
    no: z.number().min(0).max(1).default(0.02),
    latency: time.default('1ms'),
    persist: time.default('1ms'),
    voteTimeout: time.default('100ms'),
    inquiry: time.default('100ms'),
    /** blocking: the coordinator crashes between the phases of the transaction started at `crashTx`, and is down for `down`. */
    crashTx: time.default('3s'),
    down: time.default('2s'),
    /** timeouts: participant 0 is down over [from, from + participantDown). */
    participantFrom: time.default('5s'),
    participantDown: time.default('5s'),
    stop: time.default('60s'),
  })
  .strict();

type Params = z.output<typeof params>;

const ps = (t: string | number, what: string) => parseTime(t, what);

function station(s: System, name: string, p: Params, coordinator: Record<string, unknown>, no: number) {
  const c = s.add('coordinator', `${name}/coordinator`, { participants: p.participants, voteTimeout: p.voteTimeout, persist: p.persist, stop: p.stop, ...coordinator });
  const parts = Array.from({ length: p.participants }, (_, i) => {
    const q = s.add('participant', `${name}/participant${i}`, { no, persist: p.persist, inquiry: p.inquiry });
    s.link(c.port(`participant${i}`), q.port('coordinator'), { latency: p.latency });
    return q;
  });
  return { c, parts };
}

export function twoPhaseSystem(p: Params): System {
  const s = new System('two-phase-commit');
  const L = ps(p.latency, 'latency');
  const P = ps(p.persist, 'persist');
  if (p.stations.includes('normal')) station(s, 'normal', p, { rate: p.rate }, p.no);
  if (p.stations.includes('blocking')) {
    const { c } = station(s, 'blocking', p, { rate: 10, spacing: 'even', start: '1s' }, 0);
    // Votes are all in 2L + persist after the start, the decision on disk one write later: crash in between.
    const at = ps(p.crashTx, 'crashTx') + 2 * L + P + P / 2;
    s.faults.crash(c, { at, recover: at + ps(p.down, 'down') });
  }
  if (p.stations.includes('timeouts')) {
    const { parts } = station(s, 'timeouts', p, { rate: p.rate }, 0);
    const from = ps(p.participantFrom, 'participantFrom');
    s.faults.crash(parts[0]!, { at: from, recover: from + ps(p.participantDown, 'participantDown') });
  }
  return s;
}

/**
 * The blocked time of the transaction whose coordinator crashed between its phases: prepared at
 * t + L + persist, the participant asks every `inquiry` from then; the first question that
 * reaches the recovered coordinator is answered ABORT (presumed abort) one latency later.
 */
export function blockedAfterCrash(p: Params): number {
  const L = ps(p.latency, 'latency');
  const P = ps(p.persist, 'persist');
  const Q = ps(p.inquiry, 'inquiry');
  const prepared = ps(p.crashTx, 'crashTx') + L + P;
  const recovered = ps(p.crashTx, 'crashTx') + 2 * L + P + P / 2 + ps(p.down, 'down');
  const asked = prepared + Q * Math.ceil((recovered - L - prepared) / Q);
  return asked + 2 * L - prepared;
}

export function twoPhaseSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const at = (path: string) => metrics.find((m) => m.path === path)?.stats as Record<string, any> | undefined;
  const L = ps(p.latency, 'latency');
  const P = ps(p.persist, 'persist');
  const ms = (x: number) => x / MS;
  const figs: Figure[] = [];
  const normal = at('normal/coordinator');
  if (normal) {
    figs.push({ name: 'normal: commit latency', value: ms(normal.commitLatency.mean), expected: ms(2 * L + 2 * P), unit: 'ms' });
    const decided = normal.committed + normal.aborted;
    figs.push({ name: 'normal: abort rate (NO votes)', value: normal.aborted / decided, expected: 1 - (1 - p.no) ** p.participants });
    // A YES voter learns COMMIT after 2L + persist, or ABORT after 2L - persist when another voted NO
    // (probability 1 - (1 - p)^(n-1)); valid while persist < 2L.
    const blocked = pooled(metrics, (x) => x.startsWith('normal/participant'), 'blocked');
    const q = 1 - (1 - p.no) ** (p.participants - 1);
    figs.push({ name: 'normal: blocked time (YES to decision)', value: ms(blocked.mean), expected: ms((1 - q) * (2 * L + P) + q * (2 * L - P)), unit: 'ms' });
  }
  if (at('blocking/coordinator')) {
    const blocked = pooled(metrics, (x) => x.startsWith('blocking/participant'), 'blocked');
    figs.push({ name: 'blocking: longest blocked time (coordinator crashed between phases)', value: blocked.max / SEC, expected: blockedAfterCrash(p) / SEC, unit: 's' });
    figs.push({ name: 'blocking: transactions lost to the crash (presumed aborted)', value: at('blocking/coordinator')!.started - at('blocking/coordinator')!.committed });
  }
  const timeouts = at('timeouts/coordinator');
  if (timeouts) {
    figs.push({ name: 'timeouts: aborted by the vote timeout', value: timeouts.timedOut, expected: p.rate * (ps(p.participantDown, 'participantDown') / SEC) });
    figs.push({ name: 'timeouts: commit latency', value: ms(timeouts.commitLatency.mean), expected: ms(2 * L + 2 * P), unit: 'ms' });
  }
  return figs;
}

export default defineConfig({
  name: 'two-phase-commit',
  description: 'Two-phase commit: commit latency, NO votes, a coordinator crash between phases (blocking), vote timeouts',
  modules: ['@splitsim/protocols'],
  params,
  system: twoPhaseSystem,
  instantiations: {
    one: () => ({ description: 'every station in one instance' }),
    split: () => ({ description: 'coordinators in one instance, participants in another', partition: manual({ coordinators: '*/coordinator' }, { rest: 'participants' }) }),
  },
  run: { until: '61s', seed: 1 },
  summary: twoPhaseSummary,
});
