/**
 * `npm run bench -- queue [--ops N] [--json]`: the event queue against the alternatives tried,
 * on the classic "hold" workload (pop the earliest event, push one a random time later) at
 * several queue sizes, and one where 1 % of the pushes are far-future wake-ups 1000 times later
 * (as the hyperscale model's server banks): there the kernel's queue keeps them in its far tier.
 * All run in one process, interleaved, so the ratios are fair.
 */
import { EventQueue, Rng } from '@splitsim/kernel';
import { benchArgs } from './args.ts';
import { ObjectHeap } from './queues/object-heap.ts';
import { QuaternaryHeap } from './queues/quaternary-heap.ts';

interface Queue {
  readonly size: number;
  time: number;
  push(time: number, order: number, target: number, num: number, ref: unknown): void;
  pop(): void;
}

const makers: Record<string, () => Queue> = {
  binarySoA: () => new EventQueue(), // the kernel's: binary heap, front slot, far tier when deep
  quaternarySoA: () => new QuaternaryHeap(),
  objectBinary: () => new ObjectHeap(),
};

function hold(q: Queue, size: number, ops: number, seed: number, far: number): number {
  const rng = new Rng(seed, 0);
  for (let i = 0; i < size; i++) q.push(Math.round(rng.exponential(1e6)), i, 0, i, undefined);
  const t0 = performance.now();
  let order = size;
  for (let i = 0; i < ops; i++) {
    q.pop();
    // Integer times make ties common, as in network models, so tie-breaking is exercised.
    const mean = far > 0 && rng.next() < far ? 1e9 : 1e6;
    q.push(q.time + Math.round(rng.exponential(mean / 64) * 64), order++, 0, i, undefined);
  }
  return ops / ((performance.now() - t0) / 1000);
}

export async function run(args: string[]): Promise<void> {
  const opts = benchArgs(args, { ops: 3_000_000, rounds: 3 });
  // A size with a far share is written `size/far`.
  const sizes = ['16', '1024', '65536', '128/0.01'];
  const results: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(makers)) results[name] = {};
  for (let round = 0; round < opts.rounds; round++) {
    for (const size of sizes) {
      for (const [name, make] of Object.entries(makers)) {
        const [n, far] = size.split('/').map(Number);
        const rate = hold(make(), n!, opts.ops, round + 1, far ?? 0);
        const key = size;
        results[name]![key] = Math.max(results[name]![key] ?? 0, rate);
      }
    }
  }
  if (!opts.json) {
    console.log(`hold model, best of ${opts.rounds} rounds, million pop+push pairs per second`);
    console.log(`${'queue'.padEnd(16)}${sizes.map((s) => s.padStart(10)).join('')}`);
    for (const [name, r] of Object.entries(results)) {
      console.log(`${name.padEnd(16)}${sizes.map((s) => (r[s]! / 1e6).toFixed(2).padStart(10)).join('')}`);
    }
  }
  if (opts.json) console.log(JSON.stringify({ bench: 'queue', unit: 'holdOpsPerSec', sizes, results }));
}
