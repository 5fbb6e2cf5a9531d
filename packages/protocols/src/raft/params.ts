import { units, z } from 'splitsim';

/** A Raft server's parameters (replica.raft). */
export const raftParams = z
  .object({
    /** This server's index, 0 … nodes-1; its peers are the ports peer<j>, j ≠ index. */
    index: z.number().int().nonnegative(),
    nodes: z.number().int().min(1),
    /** Clients: ports client0 … client<k-1>. */
    clients: z.number().int().nonnegative().default(1),
    /** A follower that hears no leader for a time drawn uniformly from [min, max) starts an election. */
    electionMin: units.time('150ms'),
    electionMax: units.time('300ms'),
    /** The leader sends an empty AppendEntries to a follower it has sent nothing for this long. */
    heartbeat: units.time('50ms'),
    /** One disk write (term, vote and new entries, batched), ps. */
    persist: units.time('1ms'),
    /** AppendEntries with entries in flight to one follower at most (then later entries wait for a reply). */
    pipeline: z.number().int().positive().default(4),
    /** Entries per AppendEntries at most. */
    batch: z.number().int().positive().default(256),
  })
  .strict()
  .refine((p) => p.index < p.nodes, { message: 'index must be below nodes', path: ['index'] })
  .refine((p) => p.electionMax > p.electionMin && p.electionMin > p.heartbeat, { message: 'need heartbeat < electionMin < electionMax', path: ['electionMax'] });

export type RaftParams = z.output<typeof raftParams>;
