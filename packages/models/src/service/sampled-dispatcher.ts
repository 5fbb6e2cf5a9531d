import { z } from 'zod';
import { Dispatcher, dispatcherParams } from './dispatcher.ts';
import { reported } from './protocol.ts';

export const sampledParams = z
  .object({
    ...dispatcherParams,
    /** Targets probed per job (d). */
    d: z.number().int().positive(),
  })
  .strict()
  .refine((p) => p.d <= p.targets, { message: 'd must not exceed the number of targets', path: ['d'] });

type Params = z.output<typeof sampledParams>;

/**
 * Power of d choices: each job probes d distinct random targets with a command and goes to the
 * one that reports the least (ties at random). Replies may take a link's round trip, so several
 * decisions can be open at once; each is a slot in typed arrays, named by the probe's
 * correlation number.
 */
export abstract class SampledDispatcher extends Dispatcher<Params> {
  /** The command whose answer is compared (PROBE_LENGTH or PROBE_WORK). */
  protected abstract readonly probeOp: number;
  private readonly d = this.params.d;
  private readonly perm = Int32Array.from({ length: this.params.targets }, (_, i) => i);
  private token = new Float64Array(16);
  private tagOf = new Float64Array(16);
  private left = new Int32Array(16);
  private best = new Float64Array(16);
  private bestTarget = new Int32Array(16);
  private ties = new Int32Array(16);
  private free: number[] = [];
  private used = 0;

  override init(): void {
    this.noBanks();
  }

  protected route(token: number, tag: unknown): void {
    const k = this.alloc();
    this.token[k] = token;
    this.tagOf[k] = typeof tag === 'number' ? tag : -1;
    this.left[k] = this.d;
    this.best[k] = Infinity;
    this.ties[k] = 0;
    const rng = this.ctx.rng;
    const perm = this.perm;
    // A partial Fisher-Yates shuffle: d distinct targets, O(d), no allocation.
    for (let j = 0; j < this.d; j++) {
      const r = j + rng.int(this.n - j);
      const t = perm[r]!;
      perm[r] = perm[j]!;
      perm[j] = t;
      this.command(t, this.probeOp, k);
    }
  }

  protected override onReport(i: number, num: number, ref: unknown): void {
    const k = ref as number;
    const v = reported(num);
    if (v < this.best[k]!) {
      this.best[k] = v;
      this.bestTarget[k] = i;
      this.ties[k] = 1;
    } else if (v === this.best[k] && this.ctx.rng.int(++this.ties[k]!) === 0) this.bestTarget[k] = i;
    if (--this.left[k]! > 0) return;
    const t = this.tagOf[k]!;
    this.send(this.bestTarget[k]!, this.token[k]!, t < 0 ? undefined : t);
    this.free.push(k);
  }

  private alloc(): number {
    if (this.free.length > 0) return this.free.pop()!;
    if (this.used === this.token.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.token = grow(this.token);
      this.tagOf = grow(this.tagOf);
      this.left = grow(this.left);
      this.best = grow(this.best);
      this.bestTarget = grow(this.bestTarget);
      this.ties = grow(this.ties);
    }
    return this.used++;
  }
}
