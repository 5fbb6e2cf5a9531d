import { Component } from '@splitsim/kernel';

/** Jobs of a queue kept in its own record; later ones spill into a linked pool. */
export const INLINE = 3;

/**
 * The storage of a server bank: many FIFO queues of jobs, each job an (arrival time,
 * completion time) pair and, with `respond`, a token. A queue's first INLINE jobs sit in its own
 * record of 8 numbers beside its length, so the usual event (a job joins a short queue, a probe
 * reads a length, the head finishes) touches that record alone; longer queues spill their later
 * jobs into a pool of slots linked in order. At 10^5 queues every cache line an event touches
 * counts: a separate record per job cost one more cache miss per job.
 *
 * A base class rather than a member object, so that the bank's hot path reaches its arrays
 * without one more object per message: with a hundred banks those objects leave the cache too.
 */
export abstract class JobQueues<P extends { count: number; respond: boolean }> extends Component<P> {
  /**
   * Per queue, 8 numbers: [8i] length, [8i + 1] first spilled slot (-1: none), then the
   * arrival and completion times of job k < INLINE at [8i + 2 + 2k] and [8i + 3 + 2k].
   */
  protected readonly q = new Float64Array(8 * this.params.count).fill(-1);
  private readonly tokens = this.params.respond;
  /** Tokens of the inline jobs, [4i + k]; empty without tokens. */
  private readonly tok = new Float64Array(this.tokens ? 4 * this.params.count : 0);
  private readonly spillTail = new Int32Array(this.params.count);
  /** Spilled jobs: [4s] arrival, [4s + 1] completion, [4s + 2] next slot (-1 at the end), [4s + 3] token. */
  private slots = new Float64Array(4 * 64);
  private freeHead = -1;
  private used = 0;
  /** Scratch for take(): arrival, completion and token of the jobs behind the taken one. */
  private scratch = new Float64Array(3 * 16);
  /** The token of the job take() removed last. */
  protected takenToken = 0;

  constructor(...args: ConstructorParameters<typeof Component<P>>) {
    super(...args);
    for (let i = 0; i < this.params.count; i++) this.q[8 * i] = 0;
  }

  protected headToken(i: number): number {
    return this.tokens ? this.tok[4 * i]! : 0;
  }

  /** Completion time of the last job of queue i (which must not be empty). */
  protected tailDue(i: number): number {
    const len = this.q[8 * i]!;
    return len <= INLINE ? this.q[8 * i + 1 + 2 * len]! : this.slots[4 * this.spillTail[i]! + 1]!;
  }

  protected push(i: number, arrival: number, due: number, token: number): void {
    const q = this.q;
    const b = 8 * i;
    const len = q[b]!;
    if (len < INLINE) {
      q[b + 2 + 2 * len] = arrival;
      q[b + 3 + 2 * len] = due;
      if (this.tokens) this.tok[4 * i + len] = token;
    } else this.spill(i, arrival, due, token);
    q[b] = len + 1;
  }

  private spill(i: number, arrival: number, due: number, token: number): void {
    const s = this.alloc();
    const slots = this.slots;
    slots[4 * s] = arrival;
    slots[4 * s + 1] = due;
    slots[4 * s + 2] = -1;
    slots[4 * s + 3] = token;
    if (this.q[8 * i + 1]! < 0) this.q[8 * i + 1] = s;
    else slots[4 * this.spillTail[i]! + 2] = s;
    this.spillTail[i] = s;
  }

  /** Removes the first job of queue i (which must not be empty). */
  protected shift(i: number): void {
    const q = this.q;
    const b = 8 * i;
    const len = q[b]!;
    q[b + 2] = q[b + 4]!;
    q[b + 3] = q[b + 5]!;
    q[b + 4] = q[b + 6]!;
    q[b + 5] = q[b + 7]!;
    if (this.tokens) {
      this.tok[4 * i] = this.tok[4 * i + 1]!;
      this.tok[4 * i + 1] = this.tok[4 * i + 2]!;
    }
    if (len > INLINE) this.unspill(i);
    q[b] = len - 1;
  }

  /** The first spilled job of queue i moves into its record's last place. */
  private unspill(i: number): void {
    const q = this.q;
    const b = 8 * i;
    const s = q[b + 1]!;
    const slots = this.slots;
    q[b + 6] = slots[4 * s]!;
    q[b + 7] = slots[4 * s + 1]!;
    if (this.tokens) this.tok[4 * i + 2] = slots[4 * s + 3]!;
    q[b + 1] = slots[4 * s + 2]!;
    slots[4 * s + 2] = this.freeHead;
    this.freeHead = s;
  }

  /**
   * Removes the second job of queue i (the first one waiting; there must be one) and returns its
   * arrival time; its token is left in `takenToken`. The jobs behind it finish earlier by its
   * size, since each starts when the one before it finishes. Rare (resource pooling's steals):
   * the queue is emptied and refilled.
   */
  protected take(i: number): number {
    const q = this.q;
    const b = 8 * i;
    const len = q[b]!;
    const a0 = q[b + 2]!;
    const d0 = q[b + 3]!;
    const t0 = this.headToken(i);
    this.shift(i);
    const arrival = q[b + 2]!;
    const size = q[b + 3]! - d0;
    this.takenToken = this.headToken(i);
    this.shift(i);
    if (this.scratch.length < 3 * len) this.scratch = new Float64Array(6 * len);
    const rest = this.scratch;
    for (let k = 0; k < len - 2; k++) {
      rest[3 * k] = q[b + 2]!;
      rest[3 * k + 1] = q[b + 3]! - size;
      rest[3 * k + 2] = this.headToken(i);
      this.shift(i);
    }
    this.push(i, a0, d0, t0);
    for (let k = 0; k < len - 2; k++) this.push(i, rest[3 * k]!, rest[3 * k + 1]!, rest[3 * k + 2]!);
    return arrival;
  }

  /** The sum of (t - arrival) over the jobs of queue i. */
  protected timeInSystem(i: number, t: number): number {
    const q = this.q;
    const len = q[8 * i]!;
    let sum = 0;
    for (let k = 0; k < len && k < INLINE; k++) sum += t - q[8 * i + 2 + 2 * k]!;
    for (let s = len > INLINE ? q[8 * i + 1]! : -1; s >= 0; s = this.slots[4 * s + 2]!) sum += t - this.slots[4 * s]!;
    return sum;
  }

  private alloc(): number {
    if (this.freeHead >= 0) {
      const s = this.freeHead;
      this.freeHead = this.slots[4 * s + 2]!;
      return s;
    }
    if (4 * this.used === this.slots.length) {
      const b = new Float64Array(this.slots.length * 2);
      b.set(this.slots);
      this.slots = b;
    }
    return this.used++;
  }
}
