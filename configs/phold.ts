/**
 * PHOLD, the standard parallel-simulation benchmark: N nodes, each event schedules one successor
 * after lookahead + an exponential delay, on a linked node with probability `remote`, else on
 * itself. Node i is linked to i + 2^j (mod N) for each level j, so every node reaches others
 * near and far, and a contiguous partition cuts links at every level.
 *
 *   splitsim run configs/phold.ts --inst linear4 --placement thread --until 1ms --out runs/phold4
 */
import { z, defineConfig, linear, PHOLD_LEVELS, System, type Group, type PartitionFn } from 'splitsim';

const params = z
  .object({
    /** Nodes (components). */
    n: z.number().int().min(2).default(64),
    /** Events each node starts with. */
    population: z.number().int().nonnegative().default(8),
    /** Probability that an event's successor goes to another node. */
    remote: z.number().min(0).max(1).default(0.25),
    /** Link latency, and the least delay of every event: the channels' lookahead. */
    lookahead: z.union([z.string(), z.number()]).default('1us'),
    /** Mean of the exponential part of each delay. */
    meanDelay: z.union([z.string(), z.number()]).default('1us'),
    /** Link levels: node i links to i + 2^j for j below this (at most 12, and only while 2^j < n). */
    levels: z.number().int().min(1).max(PHOLD_LEVELS).default(PHOLD_LEVELS),
    /** Fault injection, for testing how runs fail: node `failNode` throws at this time. */
    failAt: z.union([z.string(), z.number()]).optional(),
    /** The node that fails at `failAt` (default: the last). */
    failNode: z.number().int().nonnegative().optional(),
  })
  .strict();

type Params = z.output<typeof params>;

export function pholdSystem(p: Params): System {
  const system = new System('phold');
  const nodes = Array.from({ length: p.n }, (_, i) => {
    const node: Record<string, unknown> = { population: p.population, remote: p.remote, lookahead: p.lookahead, meanDelay: p.meanDelay };
    if (p.failAt !== undefined && i === (p.failNode ?? p.n - 1)) node.failAt = p.failAt;
    return system.add('phold', `node${i}`, node);
  });
  for (let j = 0; j < p.levels && 2 ** j < p.n; j++) {
    const stride = 2 ** j;
    for (let i = 0; i < p.n; i++) system.link(nodes[i]!.port(`out${j}`), nodes[(i + stride) % p.n]!.port(`in${j}`), { latency: p.lookahead });
  }
  return system;
}

/** Four instances, the first with four times the nodes of each other: a bottleneck for the profiler to find. */
const unbalanced4: PartitionFn = (system) => {
  const n = system.components.length;
  const groups: Group[] = [0, 1, 2, 3].map((i) => ({ name: `i${i}`, components: [] }));
  for (const c of system.components) {
    const slot = Math.floor((c.id * 7) / n);
    groups[slot < 4 ? 0 : slot - 3]!.components.push(c.id);
  }
  return groups.filter((g) => g.components.length > 0);
};

const linearN = (k: number) => () => ({ description: `${k} instance${k === 1 ? '' : 's'}, contiguous node ranges`, partition: linear(k) });

export default defineConfig({
  name: 'phold',
  description: 'PHOLD benchmark: N nodes, constant event population, remote fraction, lookahead, mean delay',
  params,
  system: pholdSystem,
  instantiations: {
    linear1: linearN(1),
    linear2: linearN(2),
    linear4: linearN(4),
    linear8: linearN(8),
    linear16: linearN(16),
    unbalanced4: () => ({ description: 'four instances, i0 with 4× the nodes of each other', partition: unbalanced4 }),
  },
  defaultInstantiation: 'linear1',
  run: { until: '1ms', seed: 1 },
  summary(metrics) {
    let fired = 0;
    let sent = 0;
    for (const m of metrics) {
      const s = m.stats as { fired?: number; sent?: number };
      fired += s.fired ?? 0;
      sent += s.sent ?? 0;
    }
    return [
      { name: 'PHOLD events', value: fired },
      { name: 'remote share', value: fired > 0 ? sent / fired : 0 },
    ];
  },
});
