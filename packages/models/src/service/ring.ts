/** A growable FIFO of int32s (job slots), with push at either end: waiting lines of a server. */
export class IntRing {
  private a = new Int32Array(4);
  private head = 0;
  length = 0;

  push(x: number): void {
    if (this.length === this.a.length) this.grow();
    this.a[(this.head + this.length++) & (this.a.length - 1)] = x;
  }

  /** Puts x first in line (a preempted job resumes before the others of its class). */
  unshift(x: number): void {
    if (this.length === this.a.length) this.grow();
    this.head = (this.head - 1) & (this.a.length - 1);
    this.a[this.head] = x;
    this.length++;
  }

  shift(): number {
    const x = this.a[this.head]!;
    this.head = (this.head + 1) & (this.a.length - 1);
    this.length--;
    return x;
  }

  private grow(): void {
    const n = this.a.length;
    const b = new Int32Array(2 * n);
    for (let k = 0; k < this.length; k++) b[k] = this.a[(this.head + k) & (n - 1)]!;
    this.a = b;
    this.head = 0;
  }
}
