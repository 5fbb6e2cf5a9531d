import type { Context, Port, TimeSeries } from '@splitsim/kernel';

/** What a run asks to record (the plan's `record`, read through the context). */
export interface RecordSettings {
  /** Time between samples, ps. */
  interval: number;
  /** Last sample time, ps. */
  until: number;
}

/** What an output queue shows its recorder. */
export interface EgressView {
  /** Packets held at port `i` now, the one on the wire included. */
  length(i: number): number;
  /** Bytes that have left port `i`'s wire by now (the packet on the wire counted in part). */
  sentBytes(i: number): number;
  /** Packets dropped and ECN-marked so far, all ports together. */
  dropped(): number;
  marked(): number;
}

/**
 * The statistics a recorded run adds to a component with output queues (switch, protocol host,
 * detailed NIC), for report.html's link charts. `<port>` is the port's name.
 */
export const LINK_STATISTICS = {
  'link.*.util': { type: 'series', unit: 'share', description: "Recorded runs (--record): share of the port's link bandwidth used over each sample interval (0 to 1), per port" },
  'link.*.queue': { type: 'series', unit: 'packets', description: 'Recorded runs (--record): packets queued at the port at each sample, the one on the wire included, per port' },
  'link.drops': { type: 'series', unit: 'packets/s', description: 'Recorded runs (--record): drop-tail losses over each sample interval, all ports together, per second' },
  'link.ecnMarks': { type: 'series', unit: 'packets/s', description: 'Recorded runs (--record): packets marked Congestion Experienced over each sample interval, per second' },
} as const;

/**
 * Samples one component's output ports every `interval` of simulated time: utilisation from the
 * bytes that left each wire, queue length, drops and marks. It exists only when the run asks
 * (`splitsim run --record`): otherwise `start` returns null and the queue never calls it, so an
 * unrecorded run pays nothing. Its timer's events are not counted as the component's, and it only
 * reads the queue's state, so every other statistic is the same as without it.
 */
export class LinkRecorder {
  private readonly util: TimeSeries[] = [];
  private readonly queue: TimeSeries[] = [];
  private readonly recorded: number[] = [];
  private readonly lastSent: number[] = [];
  private readonly bitsPerInterval: number[] = [];
  private readonly drops: TimeSeries;
  private readonly marks: TimeSeries;
  private lastDrops = 0;
  private lastMarks = 0;
  private readonly tick: number;

  static start(ctx: Context, ports: readonly Port[], rates: readonly number[], view: EgressView): LinkRecorder | null {
    const settings = ctx.extension<RecordSettings>('record', 'links');
    return settings ? new LinkRecorder(ctx, ports, rates, view, settings) : null;
  }

  private constructor(
    private readonly ctx: Context,
    ports: readonly Port[],
    rates: readonly number[],
    private readonly view: EgressView,
    private readonly settings: RecordSettings,
  ) {
    rates.forEach((bps, i) => {
      if (!(bps > 0)) return; // a port without a network link has no wire to sample
      this.recorded.push(i);
      this.util.push(ctx.stats.series(`link.${ports[i]!.name}.util`));
      this.queue.push(ctx.stats.series(`link.${ports[i]!.name}.queue`));
      this.lastSent.push(0);
      this.bitsPerInterval.push((bps * settings.interval) / 1e12);
    });
    this.drops = ctx.stats.series('link.drops');
    this.marks = ctx.stats.series('link.ecnMarks');
    this.tick = ctx.timer(() => this.sample(), { counted: false });
    if (settings.interval <= settings.until) ctx.schedule(this.tick, settings.interval);
  }

  private sample(): void {
    const { view, ctx } = this;
    const now = ctx.now;
    for (let k = 0; k < this.recorded.length; k++) {
      const i = this.recorded[k]!;
      const sent = view.sentBytes(i);
      this.util[k]!.add(now, (8 * (sent - this.lastSent[k]!)) / this.bitsPerInterval[k]!);
      this.lastSent[k] = sent;
      this.queue[k]!.add(now, view.length(i));
    }
    const seconds = this.settings.interval / 1e12;
    const drops = view.dropped();
    const marks = view.marked();
    this.drops.add(now, (drops - this.lastDrops) / seconds);
    this.marks.add(now, (marks - this.lastMarks) / seconds);
    this.lastDrops = drops;
    this.lastMarks = marks;
    if (now + this.settings.interval <= this.settings.until) ctx.schedule(this.tick, this.settings.interval);
  }
}
