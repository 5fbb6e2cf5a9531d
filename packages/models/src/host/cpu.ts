import type { Context, Counter, StatisticDoc } from '@splitsim/kernel';

/** What the cores record, for the spec of the host that has them. */
export const CPU_STATISTICS: Readonly<Record<string, StatisticDoc>> = {
  cpuBusy: { type: 'counter', unit: 'ps', description: 'Core time of the work items finished, summed over the cores' },
  cpuItems: { type: 'counter', unit: 'work items', description: 'Work items finished: send and receive paths, polls, application work' },
};

/**
 * CPU cores running work items from one FIFO line: a work item is a kind (small integer), a
 * reference and a cost in picoseconds. When an item finishes, the owner's `done` runs and may
 * keep the same core busy with a follow-up (continueOn), which is how a NAPI poll processes its
 * packets one after another on one core. Items live in typed-array rings: no allocation per item.
 */
export class Cpu {
  private readonly timer: number;
  // The line of waiting items.
  private qKind = new Uint8Array(64);
  private qCost = new Float64Array(64);
  private qRef: unknown[] = new Array(64).fill(undefined);
  private qHead = 0;
  private qLen = 0;
  // What each core is doing.
  private readonly busyKind: Uint8Array;
  private readonly busyRef: unknown[];
  private readonly busySince: Float64Array;
  private readonly busy: Uint8Array;
  private idle: number;
  private continued = false;
  /** Picoseconds of work done, over all cores. */
  private readonly busyTime: Counter;
  private readonly items: Counter;

  constructor(
    private readonly ctx: Context,
    readonly cores: number,
    private readonly done: (kind: number, ref: unknown, core: number) => void,
  ) {
    this.busyKind = new Uint8Array(cores);
    this.busyRef = new Array(cores).fill(undefined);
    this.busySince = new Float64Array(cores);
    this.busy = new Uint8Array(cores);
    this.idle = cores;
    this.timer = ctx.timer((core) => this.finish(core));
    this.busyTime = ctx.stats.counter('cpuBusy');
    this.items = ctx.stats.counter('cpuItems');
  }

  /** Work items waiting for a core plus those running. */
  get load(): number {
    return this.qLen + this.cores - this.idle;
  }

  submit(kind: number, ref: unknown, cost: number): void {
    if (this.idle > 0) {
      for (let c = 0; c < this.cores; c++) {
        if (this.busy[c] === 0) {
          this.idle--;
          this.run(c, kind, ref, cost);
          return;
        }
      }
    }
    if (this.qLen === this.qKind.length) this.grow();
    const i = (this.qHead + this.qLen) & (this.qKind.length - 1);
    this.qKind[i] = kind;
    this.qCost[i] = cost;
    this.qRef[i] = ref;
    this.qLen++;
  }

  /** From within `done` for `core`: run this next on the same core, ahead of the line. */
  continueOn(core: number, kind: number, ref: unknown, cost: number): void {
    this.continued = true;
    this.run(core, kind, ref, cost);
  }

  private run(core: number, kind: number, ref: unknown, cost: number): void {
    this.busy[core] = 1;
    this.busyKind[core] = kind;
    this.busyRef[core] = ref;
    this.busySince[core] = this.ctx.now;
    this.ctx.schedule(this.timer, cost, core);
  }

  private finish(core: number): void {
    const kind = this.busyKind[core]!;
    const ref = this.busyRef[core];
    this.busyRef[core] = undefined;
    this.busyTime.value += this.ctx.now - this.busySince[core]!;
    this.items.value++;
    this.continued = false;
    this.done(kind, ref, core);
    if (this.continued) return;
    if (this.qLen > 0) {
      const i = this.qHead;
      this.qHead = (i + 1) & (this.qKind.length - 1);
      this.qLen--;
      const r = this.qRef[i];
      this.qRef[i] = undefined;
      this.run(core, this.qKind[i]!, r, this.qCost[i]!);
    } else {
      this.busy[core] = 0;
      this.idle++;
    }
  }

  private grow(): void {
    const n = this.qKind.length;
    const kind = new Uint8Array(2 * n);
    const cost = new Float64Array(2 * n);
    const ref: unknown[] = new Array(2 * n).fill(undefined);
    for (let k = 0; k < this.qLen; k++) {
      const i = (this.qHead + k) & (n - 1);
      kind[k] = this.qKind[i]!;
      cost[k] = this.qCost[i]!;
      ref[k] = this.qRef[i];
    }
    this.qKind = kind;
    this.qCost = cost;
    this.qRef = ref;
    this.qHead = 0;
  }
}
