import { readFileSync } from 'node:fs';
import { spanNs, type Trunk } from '@splitsim/channels';
import type { Engine } from '@splitsim/kernel';

/**
 * What a profiled instance records about the cost of its components and links, for the fields
 * that version 2 of the profile log adds (docs/profile-format.md): events per component, wall time
 * of a sample of events per model, messages per link and bytes per cut link, and the CPU time and
 * run-queue time of the instance's thread. Everything here is read from counters the engine and
 * the channels keep anyway, once per profile line, except the sample: one event per step of the
 * instance loop (up to 256 events) is run by itself between two clock reads.
 */
export class ProfileCosts {
  /** Model index per handler, filled as handlers are first sampled (-1: not yet known). */
  private modelOfHandler = new Int32Array(0);
  private readonly models: string[] = [];
  private readonly modelIndex = new Map<string, number>();
  private sampledNs: number[] = [];
  private sampled: number[] = [];
  /** Links touching this instance: [link id, receiving handler] pairs, by link id. */
  private readonly linkPorts: Array<[number, number]> = [];
  private readonly linkIds: number[];
  private readonly ids: number[];
  private readonly schedstat: boolean;
  /** Bytes sent per link id by this instance's channel ends. */
  private readonly txBytes: Float64Array;
  /** Cut links by channel id. */
  private readonly linksOfChannel = new Map<number, number[]>();

  constructor(
    private readonly engine: Engine,
    trunk: Trunk,
  ) {
    this.txBytes = trunk.txBytes;
    trunk.channel.forEach((ch, link) => {
      if (ch < 0) return;
      let list = this.linksOfChannel.get(ch);
      if (!list) this.linksOfChannel.set(ch, (list = []));
      list.push(link);
    });
    for (const ctx of engine.contexts) {
      for (const port of ctx.ports.values()) if (port.link >= 0) this.linkPorts.push([port.link, port.handler]);
    }
    this.linkPorts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.linkIds = [...new Set(this.linkPorts.map((p) => p[0]))];
    this.ids = engine.contexts.map((c) => c.id);
    this.schedstat = readSchedstat() !== null;
  }

  /**
   * Runs one event below `limit` by itself and charges its wall time to its component's model.
   * Returns how many events ran (0 or 1).
   */
  timeOne(limit: number): number {
    const engine = this.engine;
    const t0 = spanNs();
    const n = engine.runBefore(limit, 1);
    const ns = spanNs() - t0;
    const h = engine.lastHandler;
    // Longer than this, the thread was preempted or collected garbage: not the event's cost.
    if (n === 0 || h < 0 || ns > SAMPLE_CAP_NS) return n;
    const m = this.modelOf(h);
    this.sampledNs[m]! += ns;
    this.sampled[m]!++;
    return n;
  }

  private modelOf(h: number): number {
    if (h >= this.modelOfHandler.length) {
      const grown = new Int32Array(Math.max(64, (h + 1) * 2)).fill(-1);
      grown.set(this.modelOfHandler);
      this.modelOfHandler = grown;
    }
    let m = this.modelOfHandler[h]!;
    if (m >= 0) return m;
    const model = this.engine.contexts[this.engine.ownerOf(h)]!.model;
    m = this.modelIndex.get(model) ?? -1;
    if (m < 0) {
      m = this.models.length;
      this.models.push(model);
      this.modelIndex.set(model, m);
      this.sampledNs.push(0);
      this.sampled.push(0);
    }
    this.modelOfHandler[h] = m;
    return m;
  }

  /** Bytes this instance has sent on `channel`. */
  channelBytes(channel: number): number {
    let sum = 0;
    for (const l of this.linksOfChannel.get(channel) ?? []) sum += this.txBytes[l]!;
    return sum;
  }

  /** The version 2 fields of a profile line, cumulative since the instance started. */
  fields(): Record<string, unknown> {
    const engine = this.engine;
    const { counted, uncounted } = engine.eventsByComponent();
    const models: Record<string, { sampled: number; sampledNs: number }> = {};
    const order = this.models.map((_, i) => i).sort((a, b) => (this.models[a]! < this.models[b]! ? -1 : 1));
    for (const i of order) models[this.models[i]!] = { sampled: this.sampled[i]!, sampledNs: Math.round(this.sampledNs[i]!) };
    const msgs = new Map<number, number>();
    for (const [link, handler] of this.linkPorts) msgs.set(link, (msgs.get(link) ?? 0) + (handler >= 0 ? engine.handlerEvents(handler) : 0));
    const out: Record<string, unknown> = {
      components: { ids: this.ids, events: Array.from(counted), extra: Array.from(uncounted) },
      models,
      links: { ids: this.linkIds, msgs: this.linkIds.map((l) => msgs.get(l)!), txBytes: this.linkIds.map((l) => this.txBytes[l] ?? 0) },
    };
    const sched = this.schedstat ? readSchedstat() : null;
    if (sched !== null) {
      out.cpuNs = sched.cpuNs;
      out.runqueueNs = sched.runqueueNs;
    }
    return out;
  }
}

/** Timed events longer than this are left out of the sample (50 µs; a time slice is milliseconds). */
const SAMPLE_CAP_NS = 50_000;

/**
 * CPU time and run-queue wait of the calling thread, ns, from Linux's /proc/thread-self/schedstat
 * (a worker thread reads its own; about 15 µs a read); null elsewhere. The run-queue time is how
 * long the thread was ready but had no core: what running more instances than cores costs.
 */
export function readSchedstat(): { cpuNs: number; runqueueNs: number } | null {
  try {
    const [cpu, runqueue] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    if (!Number.isFinite(cpu) || !Number.isFinite(runqueue)) return null;
    return { cpuNs: cpu!, runqueueNs: runqueue! };
  } catch {
    return null;
  }
}
