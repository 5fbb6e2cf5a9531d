import { z } from 'zod';
import { defineSpec } from '@splitsim/kernel';
import { Dispatcher, dispatcherParams, DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { PROBE_LENGTH, reported } from './protocol.ts';

const params = z
  .object({
    ...dispatcherParams,
    /** Jobs per batch (m): the dispatcher gathers this many before assigning them. */
    batch: z.number().int().positive(),
    /** Servers probed per batch; δ·m/λ for an overall probe rate δN. */
    sample: z.number().int().positive(),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * Water filling with batches (Ying, Srikant and Kang): jobs are gathered in batches of m; each
 * batch probes `sample` distinct random servers and is poured into them like water: every job
 * goes to the currently shortest sampled queue, ties at random. Target ports link to a server's
 * `in` (probes are answered there), or to server banks.
 *
 * Replies are matched to batches per server: a server awaiting a reply is not sampled again
 * until it has answered (with zero latency none ever is), so each has at most one open probe.
 */
export class WaterFillingLb extends Dispatcher<Params> {
  static readonly spec = defineSpec({
    model: 'lb.water-filling',
    kinds: ['load-balancer'],
    description: 'Batches of m jobs poured into the shortest of `sample` probed servers (water filling)',
    ports: DISPATCHER_PORTS,
    params,
    statistics: DISPATCHER_STATISTICS,
  });

  private readonly m = this.params.batch;
  private readonly d = this.params.sample;
  private readonly perm = Int32Array.from({ length: this.servers }, (_, i) => i);
  /** Per server awaiting a reply: its batch slot and position in it, else -1. */
  private readonly pendingSlot = new Int32Array(this.servers).fill(-1);
  private readonly pendingPos = new Int32Array(this.servers);
  /** Per open batch: its jobs, the sampled servers, their lengths, replies still due. */
  private readonly tokens: Float64Array[] = [];
  private readonly tags: Float64Array[] = [];
  private readonly sampled: Int32Array[] = [];
  private readonly lengths: Float64Array[] = [];
  private readonly size: number[] = [];
  private readonly due: number[] = [];
  private readonly free: number[] = [];
  private filling = -1;
  private filled = 0;
  // Scratch for pouring one batch.
  private readonly order = new Int32Array(this.params.sample);
  private readonly give = new Int32Array(this.params.sample);

  override init(): void {
    if (this.d > this.servers) throw new RangeError(`${this.ctx.path}: sample ${this.d} exceeds the ${this.servers} servers`);
  }

  protected route(token: number, tag: unknown): void {
    if (this.filling < 0) {
      this.filling = this.alloc();
      this.filled = 0;
    }
    const k = this.filling;
    this.tokens[k]![this.filled] = token;
    this.tags[k]![this.filled] = typeof tag === 'number' ? tag : -1;
    if (++this.filled < this.m) return;
    this.filling = -1;
    // d distinct random servers without an open probe: a partial Fisher-Yates shuffle.
    const rng = this.ctx.rng;
    const perm = this.perm;
    let got = 0;
    for (let j = 0; j < this.servers && got < this.d; j++) {
      const r = j + rng.int(this.servers - j);
      const t = perm[r]!;
      perm[r] = perm[j]!;
      perm[j] = t;
      if (this.pendingSlot[t]! >= 0) continue;
      this.pendingSlot[t] = k;
      this.pendingPos[t] = got;
      this.sampled[k]![got++] = t;
    }
    if (got === 0) throw new Error(`${this.ctx.path}: every server is still awaiting a probe reply; lower the batch rate or the latency`);
    this.size[k] = got;
    this.due[k] = got;
    for (let j = 0; j < got; j++) this.command(this.sampled[k]![j]!, PROBE_LENGTH, 0);
  }

  protected override onReport(s: number, num: number): void {
    const k = this.pendingSlot[s]!;
    if (k < 0) return;
    this.pendingSlot[s] = -1;
    this.lengths[k]![this.pendingPos[s]!] = reported(num);
    if (--this.due[k]! === 0) this.pour(k);
  }

  /** Fills the sampled queues level by level; the last partial level goes to random ones. */
  private pour(k: number): void {
    const d = this.size[k]!;
    const q = this.lengths[k]!;
    const order = this.order;
    const give = this.give;
    for (let j = 0; j < d; j++) order[j] = j;
    order.subarray(0, d).sort((a, b) => q[a]! - q[b]!);
    // Find the level h the batch fills every queue up to, with `left` jobs for a partial level.
    let left = this.m;
    let h = q[order[0]!]!;
    let k2 = 0; // queues at level h once filled
    for (;;) {
      while (k2 < d && q[order[k2]!]! <= h) k2++;
      const next = k2 < d ? q[order[k2]!]! : Infinity;
      const step = Math.min(next - h, Math.floor(left / k2));
      h += step;
      left -= step * k2;
      if (h < next) break; // the next level is out of reach: fewer than k2 jobs are left
    }
    for (let j = 0; j < d; j++) give[order[j]!] = j < k2 ? h - q[order[j]!]! : 0;
    // The remaining jobs: one each to random queues among the k2 at level h.
    const rng = this.ctx.rng;
    for (let j = 0; j < left; j++) {
      const r = j + rng.int(k2 - j);
      const t = order[r]!;
      order[r] = order[j]!;
      order[j] = t;
      give[t]!++;
    }
    const tokens = this.tokens[k]!;
    const tags = this.tags[k]!;
    const sampled = this.sampled[k]!;
    let at = 0;
    for (let j = 0; j < d; j++) {
      for (let g = give[j]!; g > 0; g--) {
        const t = tags[at]!;
        this.send(sampled[j]!, tokens[at]!, t < 0 ? undefined : t);
        at++;
      }
    }
    this.free.push(k);
  }

  private alloc(): number {
    if (this.free.length > 0) return this.free.pop()!;
    const k = this.tokens.length;
    this.tokens.push(new Float64Array(this.m));
    this.tags.push(new Float64Array(this.m));
    this.sampled.push(new Int32Array(this.d));
    this.lengths.push(new Float64Array(this.d));
    this.size.push(0);
    this.due.push(0);
    return k;
  }
}
