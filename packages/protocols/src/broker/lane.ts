/** A message as the broker holds it. */
export interface Msg {
  readonly id: number;
  readonly key: number;
  /** Publish time at the producer (ps). */
  readonly t: number;
  /** The producer connection (the broker's port index) it came on. */
  readonly conn: number;
  /** Times handed to a consumer. */
  deliveries: number;
  /** Bumped at each delivery: a visibility expiry of an older delivery is stale. */
  gen: number;
  acked: boolean;
  /** When it became visible (committed, or back after an expiry): for the wait before processing. */
  visibleAt: number;
  /** Copies on disk (the broker's own and its replicas'), until the ack policy is met. */
  copies: number;
  committed: boolean;
}

/**
 * The visible messages of one set of worker threads and those threads: the whole broker with
 * shared threading, one producer connection with dedicated threading. With ordering by key, a
 * key is blocked from the moment one of its messages is taken until the consumer acknowledges it
 * (a redelivered message goes back to the head of its key), so each key's messages are processed
 * one at a time, in publish order; without, any visible message may be taken, oldest first.
 */
export class Lane {
  busy = 0;
  waiting = 0;
  private readonly fifo: Msg[] = [];
  private head = 0;
  private readonly byKey = new Map<number, Msg[]>();
  private readonly blocked = new Set<number>();
  private readonly ready: number[] = [];
  private readyHead = 0;

  constructor(
    readonly threads: number,
    private readonly byKeyOrder: boolean,
  ) {}

  /** Makes a message visible: at the back, or at the front (a redelivery). */
  add(m: Msg, front: boolean): void {
    this.waiting++;
    if (!this.byKeyOrder) {
      if (front && this.head > 0) this.fifo[--this.head] = m;
      else if (front) this.fifo.unshift(m);
      else this.fifo.push(m);
      return;
    }
    let q = this.byKey.get(m.key);
    if (!q) this.byKey.set(m.key, (q = []));
    if (front) q.unshift(m);
    else q.push(m);
    // A key enters the ready list when it gets its first message and is not blocked.
    if (q.length === 1 && !this.blocked.has(m.key)) this.ready.push(m.key);
  }

  /** The next message a free thread may take, or null; with key order its key is blocked from now. */
  take(): Msg | null {
    if (this.busy >= this.threads || this.waiting === 0) return null;
    if (!this.byKeyOrder) {
      if (this.head >= this.fifo.length) return null;
      const m = this.fifo[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.fifo.length) {
        this.fifo.splice(0, this.head);
        this.head = 0;
      }
      this.waiting--;
      return m;
    }
    while (this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++]!;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready.splice(0, this.readyHead);
        this.readyHead = 0;
      }
      const q = this.byKey.get(key);
      if (!q || q.length === 0 || this.blocked.has(key)) continue;
      const m = q.shift()!;
      if (q.length === 0) this.byKey.delete(key);
      this.blocked.add(key);
      this.waiting--;
      return m;
    }
    return null;
  }

  /** With key order: the key's message was acknowledged (or is visible again): its next may go. */
  release(key: number): void {
    if (!this.byKeyOrder || !this.blocked.delete(key)) return;
    if ((this.byKey.get(key)?.length ?? 0) > 0) this.ready.push(key);
  }
}
