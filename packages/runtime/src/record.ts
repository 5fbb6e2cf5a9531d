import { parseTime, SplitSimError } from '@splitsim/kernel';
import type { Plan, PlanRecord } from '@splitsim/instantiation';

/**
 * `--record [interval]`: the plan's `record` section (plan.ts), which network models read
 * through their context to sample links and keep flow completion times. Sampling runs up to the
 * run's end, so a recorded run needs `--until`; without an interval, about 100 samples.
 */
export function recordSettings(flag: string | true, until: number | undefined): PlanRecord {
  if (until === undefined || !Number.isFinite(until)) {
    throw new SplitSimError('E_CONFIG', '--record samples up to the end time: give --until (or run.until in the config)', { field: '--record' });
  }
  const interval = flag === true ? niceInterval(until / 100) : parseTime(flag, '--record');
  if (!(interval > 0)) throw new SplitSimError('E_CONFIG', `--record ${flag}: the interval must be more than 0`, { field: '--record' });
  if (until / interval > 100_000) {
    throw new SplitSimError('E_CONFIG', `--record ${flag}: ${Math.floor(until / interval).toLocaleString('en')} samples per link is too many; take an interval of at least ${niceInterval(until / 100_000)} ps`, { field: '--record' });
  }
  return { interval, until };
}

/** The plan with recording asked for (a copy; plans are data). */
export function withRecord(plan: Plan, record: PlanRecord): Plan {
  return { ...plan, record };
}

/** 1, 2 or 5 times a power of ten, in whole picoseconds, at or above `ps`. */
function niceInterval(ps: number): number {
  const mag = 10 ** Math.floor(Math.log10(Math.max(1, ps)));
  return [1, 2, 5, 10].map((f) => f * mag).find((v) => v >= ps) ?? 10 * mag;
}
