/**
 * One doorbell per instance, in shared memory: two Int32 words, a sequence number and a
 * "parked" flag. A blocked instance spins briefly, then parks on the sequence number
 * (Atomics.wait, or Atomics.waitAsync where sockets or IPC need the event loop). Whoever gives
 * it input (a ring writer, a socket, the orchestrator) rings the bell.
 *
 * Ringing costs one atomic load when the instance is not parked: the writer publishes its data
 * first (a sequentially consistent store), then reads the flag; the parker sets the flag first,
 * then checks its input once more. Either the writer sees the flag or the parker sees the data.
 */
export const BELL_SEQ = 0;
export const BELL_PARKED = 1;
/** Int32 words a doorbell occupies (a cache line, so bells of different instances never share one). */
export const BELL_WORDS = 16;

// Atomics.waitAsync is in Node 16+ but in TypeScript's ES2024 lib; the project targets ES2023.
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) => { async: boolean; value: Promise<unknown> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class Doorbell {
  constructor(
    private readonly words: Int32Array,
    private readonly base: number,
  ) {}

  /** Wakes the instance if it is parked; cheap when it is not. */
  ring(): void {
    if (Atomics.load(this.words, this.base + BELL_PARKED) !== 0) this.wake();
  }

  /** Wakes the instance unconditionally (control changes, rare). */
  wake(): void {
    Atomics.add(this.words, this.base + BELL_SEQ, 1);
    Atomics.notify(this.words, this.base + BELL_SEQ);
  }

  /** First half of parking: returns the sequence number to wait on. Check input after this. */
  prepare(): number {
    const seq = Atomics.load(this.words, this.base + BELL_SEQ);
    Atomics.store(this.words, this.base + BELL_PARKED, 1);
    return seq;
  }

  /** Blocks the thread until rung or `timeoutMs` passes (not on a main thread). */
  park(seq: number, timeoutMs: number): void {
    Atomics.wait(this.words, this.base + BELL_SEQ, seq, timeoutMs);
    Atomics.store(this.words, this.base + BELL_PARKED, 0);
  }

  /** Like park, but yields to the event loop while waiting. */
  async parkAsync(seq: number, timeoutMs: number): Promise<void> {
    const r = waitAsync(this.words, this.base + BELL_SEQ, seq, timeoutMs);
    if (r.async) await r.value;
    Atomics.store(this.words, this.base + BELL_PARKED, 0);
  }

  /** Gives up parking after prepare() found input. */
  cancel(): void {
    Atomics.store(this.words, this.base + BELL_PARKED, 0);
  }
}
