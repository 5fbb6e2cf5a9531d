import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BatchMeans, Tally, type ComponentMetrics } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';
import { ControlError, type ExternalReport } from './external-control.ts';

type Finished = Extract<ExternalReport, { type: 'finished' }>;
type ProfileReport = Extract<ExternalReport, { type: 'profile' }>;

/**
 * An external instance's statistics as metrics.json holds ours: path and model from the plan
 * (the program cannot misname them), every statistic summarised by the kernel's own classes
 * where the program sent their state, so a tally reads the same whoever kept it.
 */
export function externalMetrics(plan: Plan, instance: number, f: Finished): ComponentMetrics[] {
  const inst = plan.instances[instance]!;
  const expected = new Set(inst.components);
  const seen = new Set<number>();
  const out: ComponentMetrics[] = [];
  for (const m of f.metrics) {
    const c = plan.components[m.id];
    if (!c || !expected.has(m.id)) throw new ControlError(`statistics for component ${m.id}, which instance ${inst.name} does not hold`);
    if (seen.has(m.id)) throw new ControlError(`statistics for component ${c.path} twice`);
    seen.add(m.id);
    const stats: Record<string, unknown> = {};
    for (const [name, s] of Object.entries(m.stats)) {
      if (name === '__proto__') throw new ControlError(`${c.path}: a statistic named __proto__`);
      if ('counter' in s) stats[name] = s.counter;
      else if ('tally' in s) stats[name] = Tally.fromMoments(...s.tally).toJSON();
      else if ('batchMeans' in s) stats[name] = BatchMeans.fromState(s.batchMeans.count, s.batchMeans.batchSize, s.batchMeans.sums).toJSON();
      else stats[name] = s.value;
    }
    out.push({ id: c.id, path: c.path, model: c.model, events: m.events, stats });
  }
  const missing = inst.components.filter((id) => !seen.has(id)).map((id) => plan.components[id]!.path);
  if (missing.length > 0) throw new ControlError(`no statistics for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  return out.sort((a, b) => a.id - b.id);
}

/**
 * `profile/<instance>.jsonl` of an external instance, format version 1 (docs/profile-format.md),
 * written by the orchestrator from the counters the program reports: the profiler and the WTPG
 * then see it like any instance.
 */
export class ExternalProfile {
  private fd: number | null;
  private readonly channels: Array<{ id: number; name: string; peer: string }>;
  startNs = 0;

  constructor(runDir: string, private readonly plan: Plan, private readonly instance: number) {
    const name = plan.instances[instance]!.name;
    this.channels = plan.channels
      .filter((ch) => ch.a === instance || ch.b === instance)
      .map((ch) => ({ id: ch.id, name: ch.name, peer: plan.instances[ch.a === instance ? ch.b : ch.a]!.name }));
    mkdirSync(join(runDir, 'profile'), { recursive: true });
    this.fd = openSync(join(runDir, 'profile', `${name}.jsonl`), 'w');
  }

  write(r: ProfileReport): void {
    if (this.fd === null) return;
    const by = new Map(r.channels.map((c) => [c.channel, c]));
    const channels = this.channels.map((ch) => {
      const c = by.get(ch.id);
      const n = (x: number | undefined) => Math.round(x ?? 0);
      return { channel: ch.name, peer: ch.peer, waitNs: n(c?.waitNs), rxNs: n(c?.rxNs), txNs: n(c?.txNs), syncNs: n(c?.syncNs), rxMsgs: n(c?.rxMsgs), txMsgs: n(c?.txMsgs), syncMsgs: n(c?.syncMsgs) };
    });
    const line: Record<string, unknown> = {
      v: 1, instance: this.plan.instances[this.instance]!.name, wallNs: r.wallNs, startNs: this.startNs, simPs: r.simPs, events: r.events, channels, final: r.final === true,
    };
    if (r.final === true) line.status = r.status ?? 'completed';
    writeSync(this.fd, JSON.stringify(line) + '\n');
    if (r.final === true) this.close();
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
