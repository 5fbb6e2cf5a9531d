import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { wallNs, type ChannelEnd } from '@splitsim/channels';
import { SplitSimError, type Engine } from '@splitsim/kernel';
import { fsProblem } from './atomic-write.ts';
import type { ProfileCosts } from './profile-costs.ts';

export type ProfileStatus = 'completed' | 'interrupted' | 'failed';

/** Log format version written; the profiler reads versions 1 and 2. */
export const PROFILE_LOG_VERSION = 2;

/** What every line of an instance's log says about where it ran (version 2). */
export interface ProfileMeta {
  /** Cores the machine offers the run (availableParallelism). */
  cores: number;
  placement: 'thread' | 'process';
}

/**
 * Writes `<run-dir>/profile/<instance>.jsonl`, format version 2 (docs/profile-format.md): one
 * line per profile interval of wall time and a final line at the end of the run, every counter
 * cumulative since the instance started. The instance loop calls sample() when the interval is
 * due; a line is built from numbers the channel ends and the engine keep anyway (and the per-model
 * event sample of ProfileCosts), so profiling costs one write per interval.
 */
export class ProfileLog {
  private readonly fd: number;
  private closed = false;

  constructor(
    runDir: string,
    private readonly instance: string,
    private readonly engine: Engine,
    private readonly ends: readonly ChannelEnd[],
    readonly startNs: number,
    private readonly meta: ProfileMeta,
    private readonly costs: ProfileCosts,
  ) {
    const dir = join(runDir, 'profile');
    mkdirSync(dir, { recursive: true });
    // A fresh log per run, even in a reused run directory; the run appends line by line.
    this.fd = openSync(join(dir, `${instance}.jsonl`), 'w');
  }

  sample(): void {
    this.line(false);
  }

  /** The last line; later calls do nothing. */
  final(status: ProfileStatus, simPs?: number): void {
    if (this.closed) return;
    try {
      this.line(true, status, simPs);
    } catch {
      // Already failing (the instance reports its failure); the log just ends here.
      return;
    }
    this.closed = true;
    closeSync(this.fd);
  }

  private line(final: boolean, status?: ProfileStatus, simPs?: number): void {
    if (this.closed) return;
    const channels = this.ends.map((e) => {
      const c = e.counters;
      return {
        channel: e.name,
        peer: e.peer,
        waitNs: Math.round(c.waitNs),
        rxNs: Math.round(c.rxNs),
        txNs: Math.round(c.txNs),
        syncNs: Math.round(c.syncNs),
        rxMsgs: c.rxMsgs,
        txMsgs: c.txMsgs,
        syncMsgs: c.syncMsgs,
        txBytes: this.costs.channelBytes(e.channel),
      };
    });
    const record: Record<string, unknown> = {
      v: PROFILE_LOG_VERSION,
      instance: this.instance,
      wallNs: wallNs(),
      startNs: this.startNs,
      simPs: simPs ?? this.engine.now,
      events: this.engine.executed,
      channels,
      cores: this.meta.cores,
      placement: this.meta.placement,
      ...this.costs.fields(),
      final,
    };
    if (status !== undefined) record.status = status;
    try {
      writeSync(this.fd, JSON.stringify(record) + '\n');
    } catch (err) {
      // A full disk fails the run once, as the run directory's failure; the log takes no more lines.
      this.closed = true;
      closeSync(this.fd);
      throw new SplitSimError('E_OUTPUT', `${fsProblem(err)} writing profile/${this.instance}.jsonl`);
    }
  }
}
