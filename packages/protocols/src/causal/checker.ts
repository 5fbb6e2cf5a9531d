/**
 * Causality of a delivery order, by vector clocks (Fidge, Mattern): a message carries its
 * sender's clock at the send, whose entry k counts process k's messages in the message's causal
 * past (the sender's own entry counts the message itself). A process may deliver message m from
 * j only when it has delivered every message in m's causal past: the m.vc[j] - 1 earlier ones
 * from j, and m.vc[k] from each other k. Delivering it sooner is a causality violation.
 */
export class CausalChecker {
  /** Messages delivered from each process (a process's own count as delivered when sent). */
  readonly delivered: number[];
  violations = 0;

  constructor(processes: number) {
    this.delivered = new Array(processes).fill(0);
  }

  /** True if m (from `from`, clock `vc`) may be delivered now without breaking causality. */
  ready(from: number, vc: readonly number[]): boolean {
    const d = this.delivered;
    if (vc[from] !== d[from]! + 1) return false;
    for (let k = 0; k < d.length; k++) if (k !== from && vc[k]! > d[k]!) return false;
    return true;
  }

  /** Records the delivery of m, counting a violation when it was not ready. */
  deliver(from: number, vc: readonly number[]): boolean {
    const ok = this.ready(from, vc);
    if (!ok) this.violations++;
    this.delivered[from]!++;
    return ok;
  }
}

/**
 * The violations in one process's delivery order, each message given as its sender and clock:
 * the check a test applies to a log.
 */
export function causalViolations(processes: number, order: ReadonlyArray<{ from: number; vc: readonly number[] }>): number {
  const c = new CausalChecker(processes);
  for (const m of order) c.deliver(m.from, m.vc);
  return c.violations;
}
