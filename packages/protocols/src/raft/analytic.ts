/**
 * What Raft's timing should be when nothing queues, from its parameters (times in any one unit).
 */

/**
 * Commit latency at low load: the leader writes the entry to its disk (`persist`) while sending
 * it to every follower, each of which writes it and answers; the entry commits when a majority
 * (the leader and ⌊n/2⌋ followers) has it on disk, so after the round trip to the ⌊n/2⌋-th
 * nearest follower plus one write: 2·L₍⌊n/2⌋₎ + persist. `latencies`: one way, leader to each
 * follower.
 */
export function raftCommitLatency(latencies: readonly number[], persist: number): number {
  const n = latencies.length + 1;
  const k = Math.floor(n / 2);
  const sorted = [...latencies].sort((a, b) => a - b);
  return Math.max(persist, 2 * sorted[k - 1]! + persist);
}

/**
 * Election time after a leader fails, when one round decides: the `live` followers last heard
 * the leader at one time and each waits a uniform time in [min, max); the first to time out asks
 * for votes at once and writes its own, the voters write theirs and answer: it wins after
 * min of `live` uniforms + 2·latency + persist. The mean of that minimum is
 * min + (max - min)/(live + 1); the result is bounded by [min, max] + 2·latency + persist.
 * Split votes (two timeouts closer than a vote round) add rounds beyond this.
 */
export function raftElectionTime(o: { min: number; max: number; live: number; latency: number; persist: number }): { mean: number; low: number; high: number } {
  const round = 2 * o.latency + o.persist;
  return { mean: o.min + (o.max - o.min) / (o.live + 1) + round, low: o.min + round, high: o.max + round };
}
