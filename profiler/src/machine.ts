import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ProfileError } from './errors.ts';

/**
 * What the cost model needs to know about the machine a partition will run on, beyond its core
 * count: channel costs per message and per sync round trip (`npm run bench -- channel`), and three
 * figures fitted to measured runs (`npm run bench -- cost-model --fit`): how bursty work is within
 * a lookahead window, what a window costs when instances outnumber cores, and how much dearer an
 * event is in a parallel run than in one instance. The defaults were measured on the 2-core
 * development machine (docs/BENCHMARKS.md, "Cost model"); `--machine <file>` replaces any of them.
 */
export interface Machine {
  /** Where the figures come from, for the record. */
  source: string;
  /** Per cut message between threads, ns: receiving (decode, queue), sending (write, publish, the extra event a cut link costs). Used when the profiled run cut nothing. */
  threadRxNsPerMsg: number;
  threadTxNsPerMsg: number;
  /** The same between processes (Unix-domain socket). */
  processRxNsPerMsg: number;
  processTxNsPerMsg: number;
  /** One sync message sent and read, ns. */
  syncNsPerMsg: number;
  /** Sync round trip, ns: the least a lookahead window costs two instances that wait for each other. */
  threadRoundTripNs: number;
  processRoundTripNs: number;
  /** Compute an instance spends per lookahead window beyond its events (its loop), ns; used when the profiled run had no channels. */
  windowNs: number;
  /** Fitted: work within a window varies as burst × sqrt(events) × event cost; instances meet at the slowest. */
  burst: number;
  /** Fitted: wall time per window and instance when instances outnumber cores (being woken, taking turns), ns. */
  switchNs: number;
  /** Fitted: an event's cost in a parallel run over its cost in one instance (caches, memory shared by the cores). */
  parallelInflation: number;
}

/**
 * dev-2c (2-core AMD EPYC VM). Channel figures: profiled `halves` runs (rx about 150 ns, tx with
 * the extra event about 400 ns per message) and `bench channel` (round trips). burst, switchNs,
 * parallelInflation and windowNs: `npm run bench -- cost-model --fit`, 2026-12-07 20:34-20:36, with
 * no other program running (windowNs ended at the top of the grid). An earlier fit under a load
 * average of 21-30 gave burst 64, switchNs 400 µs, parallelInflation 1.3. Fit them again on the
 * machine you run on (`--write-machine`, then `--machine`); docs/BENCHMARKS.md, "Cost model".
 */
export const DEFAULT_MACHINE: Machine = {
  source: 'dev-2c defaults (docs/BENCHMARKS.md, cost model)',
  threadRxNsPerMsg: 200,
  threadTxNsPerMsg: 450,
  processRxNsPerMsg: 500,
  processTxNsPerMsg: 700,
  syncNsPerMsg: 150,
  threadRoundTripNs: 650,
  processRoundTripNs: 25_000,
  windowNs: 16_000,
  burst: 8,
  switchNs: 200_000,
  parallelInflation: 1.5,
};

const machineSchema = z
  .object({
    source: z.string(),
    threadRxNsPerMsg: z.number().nonnegative(),
    threadTxNsPerMsg: z.number().nonnegative(),
    processRxNsPerMsg: z.number().nonnegative(),
    processTxNsPerMsg: z.number().nonnegative(),
    syncNsPerMsg: z.number().nonnegative(),
    threadRoundTripNs: z.number().nonnegative(),
    processRoundTripNs: z.number().nonnegative(),
    windowNs: z.number().nonnegative(),
    burst: z.number().nonnegative(),
    switchNs: z.number().nonnegative(),
    parallelInflation: z.number().positive(),
  })
  .partial()
  .strict();

/** The defaults with the fields a JSON file gives replaced; problems name the file and the field. */
export function loadMachine(file: string): Machine {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError([{ code: 'E_PROFILE_MISMATCH', file, message: `cannot read the machine file: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = machineSchema.safeParse(json);
  if (!parsed.success) throw new ProfileError(parsed.error.issues.map((i) => ({ code: 'E_PROFILE_MISMATCH' as const, file, message: `${i.path.join('.') || '(file)'}: ${i.message}` })));
  return { ...DEFAULT_MACHINE, source: file, ...parsed.data };
}
