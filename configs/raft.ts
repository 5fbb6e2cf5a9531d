/**
 * Raft (the broker study's consensus protocol, seed 002): a cluster of servers with durable logs,
 * one Poisson client, and an observer that checks safety over the whole run. Models come from the
 * @splitsim/protocols model module, written against the public API like a user's.
 *
 *   splitsim run configs/raft.ts                              # steady load: commit latency vs 2L + persist
 *   splitsim run configs/raft.ts --set scenario=churn         # every server crashes in turn: election times
 *   splitsim run configs/raft.ts --set scenario=chaos         # seeded crashes and partitions
 *   splitsim run configs/raft.ts --inst split --placement process
 *
 * Figures: commit latency at the leader against one round trip to the median follower plus one
 * disk write; client latency; election time against the timeout window; availability gaps seen by
 * the client; and the observer's safety counts (one leader per term, no conflicting commits,
 * committed entries in every later leader), which must be 0.
 */
import { z, defineConfig, manual, parseTime, SEC, System, type ComponentMetrics, type Figure } from 'splitsim';
import { pooled, raftCommitLatency, raftElectionTime, total } from '@splitsim/protocols';

const time = z.union([z.string(), z.number()]);

const params = z
  .object({
    nodes: z.number().int().min(1).max(31).default(5),
    /** Client requests per second (Poisson). */
    rate: z.number().positive().default(50),
    /** One-way latency between servers, and from the client to each. */
    latency: time.default('1ms'),
    clientLatency: time.default('200us'),
    persist: time.default('500us'),
    electionMin: time.default('150ms'),
    electionMax: time.default('300ms'),
    heartbeat: time.default('50ms'),
    clientTimeout: time.default('500ms'),
    /** steady: no faults; churn: each server crashes in turn; chaos: seeded crashes and partitions. */
    scenario: z.enum(['steady', 'churn', 'chaos']).default('steady'),
    /** churn: a server crashes every `period`, for `down`; chaos: mean up and down times. */
    period: time.default('2s'),
    down: time.default('800ms'),
    meanUp: time.default('4s'),
    meanDown: time.default('500ms'),
    /** No fault starts after this (the client keeps sending until `stop`). */
    faultsUntil: time.default('40s'),
    stop: time.default('50s'),
    /** The safety observer (it hears of every committed entry; the speed benchmark leaves it out). */
    observer: z.boolean().default(true),
  })
  .strict();

type Params = z.output<typeof params>;

const ps = (t: string | number, what: string) => parseTime(t, what);

export function raftSystem(p: Params): System {
  const s = new System('raft');
  const nodes = Array.from({ length: p.nodes }, (_, i) =>
    s.add('replica', `node${i}`, {
      index: i, nodes: p.nodes, clients: 1,
      electionMin: p.electionMin, electionMax: p.electionMax, heartbeat: p.heartbeat, persist: p.persist,
    }),
  );
  const client = s.add('client', 'client', { nodes: p.nodes, rate: p.rate, stop: p.stop, timeout: p.clientTimeout });
  const observer = p.observer ? s.add('observer', 'observer', { nodes: p.nodes }) : null;
  for (let i = 0; i < p.nodes; i++) {
    for (let j = i + 1; j < p.nodes; j++) s.link(nodes[i]!.port(`peer${j}`), nodes[j]!.port(`peer${i}`), { latency: p.latency });
    s.link(client.port(`node${i}`), nodes[i]!.port('client0'), { latency: p.clientLatency });
    if (observer) s.link(observer.port(`node${i}`), nodes[i]!.port('observer'), { latency: '10us' });
  }
  const until = ps(p.faultsUntil, 'faultsUntil');
  if (p.scenario === 'churn') {
    // Server i goes down at 1 s + (k·n + i)·period: crashes never overlap, so every leader is crashed in turn.
    const period = ps(p.period, 'period');
    for (let k = 0, t = SEC; t < until; k++) {
      for (let i = 0; i < p.nodes && t < until; i++, t += period) s.faults.crash(nodes[i]!, { at: t, recover: t + ps(p.down, 'down') });
    }
  } else if (p.scenario === 'chaos') {
    s.faults.crashes(nodes, { meanUp: p.meanUp, meanDown: p.meanDown, from: '1s', until: p.faultsUntil });
    // A minority cut off, then the old majority split: every link between the sides is down.
    const half = Math.floor(p.nodes / 2);
    s.faults.partition(nodes.slice(0, half), nodes.slice(half), { at: until * 0.3, until: until * 0.3 + 2 * SEC });
    s.faults.partition(nodes.slice(0, half + 1), nodes.slice(half + 1), { at: until * 0.7, until: until * 0.7 + 2 * SEC });
  }
  return s;
}

const models = [{ kind: 'client', model: 'client.raft' }];

export function raftSummary(metrics: ComponentMetrics[], p: Params): Figure[] {
  const isNode = (path: string) => path.startsWith('node');
  const ms = (x: number) => x / 1e9;
  const L = ps(p.latency, 'latency');
  const P = ps(p.persist, 'persist');
  const commit = pooled(metrics, isNode, 'commitLatency');
  const client = metrics.find((m) => m.path === 'client')!.stats as Record<string, any>;
  const obs = metrics.find((m) => m.path === 'observer')?.stats as Record<string, number> | undefined;
  const election = pooled(metrics, isNode, 'electionTime');
  const window = raftElectionTime({ min: ps(p.electionMin, 'electionMin'), max: ps(p.electionMax, 'electionMax'), live: p.nodes - 1, latency: L, persist: P });
  const gaps = client.gaps as { count: number; values: number[] };
  const figs: Figure[] = [
    { name: 'commit latency (leader)', value: ms(commit.mean), expected: ms(raftCommitLatency(Array(p.nodes - 1).fill(L), P)), unit: 'ms' },
    { name: 'client latency', value: ms(client.latency.mean), unit: 'ms' },
    { name: 'requests answered', value: client.answered },
    { name: 'duplicate answers', value: client.duplicates },
    { name: 'elections won', value: total(metrics, isNode, 'won') },
  ];
  if (election.count > 0) {
    figs.push({ name: 'election time after a leader failed, mean', value: ms(election.mean), expected: ms(window.mean), unit: 'ms' });
    figs.push({ name: 'election time, shortest (window from)', value: ms(election.min), expected: ms(window.low), unit: 'ms' });
    figs.push({ name: 'election time, longest (one round to)', value: ms(election.max), expected: ms(window.high), unit: 'ms' });
  }
  if (gaps.count > 0) {
    figs.push({ name: 'availability gaps', value: gaps.count });
    figs.push({ name: 'longest availability gap', value: ms(Math.max(...gaps.values)), unit: 'ms' });
  }
  if (obs) {
    figs.push({ name: 'terms with two leaders (must be 0)', value: obs.twoLeaders! });
    figs.push({ name: 'conflicting commits (must be 0)', value: obs.conflicts! });
    figs.push({ name: 'committed entries lost by a later leader (must be 0)', value: obs.lost! });
  }
  return figs;
}

export default defineConfig({
  name: 'raft',
  description: 'Raft: commit latency, elections, availability and safety under crashes and partitions',
  modules: ['@splitsim/protocols'],
  params,
  system: raftSystem,
  instantiations: {
    one: () => ({ description: 'everything in one instance', models }),
    split: (_s, p) => ({
      description: 'the servers in two instances (client and observer with the first): every cut link carries faults decided at its sender',
      models,
      partition: manual({ a: [...Array.from({ length: Math.ceil(p.nodes / 2) }, (_, i) => `node${i}`), 'client'] }, { rest: 'b' }),
    }),
  },
  run: { until: '60s', seed: 1 },
  summary: raftSummary,
});
