/**
 * Analytic values for the broker models (rates per second, times in seconds).
 */

/**
 * Shared threading as the seed models it: T threads, each at μ / (1 + α·n/T) while n of them are
 * busy, as a birth-death chain (state n: messages in the broker): λ up, min(n, T)·μ/(1 + α·min(n,T)/T)
 * down. Returns the mean wait before a thread takes a message (Little: Lq / λ), the mean number
 * in the system, and the utilisation at full load. The simulation fixes each message's time when
 * a thread takes it, with the busy count then, so the chain is its approximation.
 */
export function sharedThreading(lambda: number, mu: number, threads: number, overhead: number): { meanWait: number; meanInSystem: number; capacity: number } {
  const rate = (n: number) => {
    const k = Math.min(n, threads);
    return (k * mu) / (1 + (overhead * k) / threads);
  };
  const capacity = rate(threads);
  if (lambda >= capacity) throw new RangeError(`shared threading: λ = ${lambda} is at or above the capacity ${capacity}`);
  // Unnormalised p_n, up to where the geometric tail takes over.
  const p: number[] = [1];
  for (let n = 1; n <= threads; n++) p.push((p[n - 1]! * lambda) / rate(n));
  const r = lambda / capacity;
  const pT = p[threads]!;
  // Beyond T: p_n = p_T · r^(n-T); sums of the tail in closed form.
  let sum = p.reduce((a, b) => a + b, 0) + (pT * r) / (1 - r);
  let inSystem = p.reduce((a, b, n) => a + n * b, 0) + pT * ((threads * r) / (1 - r) + r / ((1 - r) * (1 - r)));
  const queued = (pT * r) / ((1 - r) * (1 - r));
  return { meanWait: queued / sum / lambda, meanInSystem: inSystem / sum, capacity };
}

/**
 * Dedicated threading (the seed's eqs. 11-12): each connection takes `perConnection` threads, so
 * at most ⌊T / perConnection⌋ connections are served, each by `workers` threads at μ; the
 * throughput is the sum over served connections of min(λ_c, workers·μ): min(λ, (T/2)·μ) for
 * two threads per connection, one of them working, with λ spread evenly.
 */
export function dedicatedThroughput(lambda: number, mu: number, threads: number, connections: number, perConnection = 2, workers = 1): number {
  const served = Math.min(connections, Math.floor(threads / perConnection));
  return served * Math.min(lambda / connections, workers * mu);
}

/** Publish latency at low load: the producer's round trip plus the disk write and the round trip to the replica whose answer completes the policy. */
export function publishLatency(producerLatency: number, persist: number, replicaLatencies: readonly number[], ack: 'leader' | 'quorum' | 'all'): number {
  const copies = replicaLatencies.length + 1;
  const need = ack === 'leader' ? 1 : ack === 'all' ? copies : Math.floor(copies / 2) + 1;
  const sorted = [...replicaLatencies].sort((a, b) => a - b);
  const replica = need > 1 ? 2 * sorted[need - 2]! : 0;
  return 2 * producerLatency + persist + replica;
}

/**
 * Redeliveries caused by a consumer down over [from, until) that receives `share` of the
 * deliveries at `rate` per second: each message it got while down times out after the visibility
 * timeout V and is delivered again, to it again with probability `share`, lost again while it is
 * still down; plus what it was processing when it crashed (rate · share · mean processing time).
 * Integrates Σₖ share^k over the k further timeouts that still fall in the window, in 1 ms steps.
 */
export function crashRedeliveries(o: { rate: number; share: number; from: number; until: number; visibility: number; processingMean: number }): number {
  const step = 0.001;
  let total = 0;
  for (let t = o.from + step / 2; t < o.until; t += step) {
    const further = Math.ceil((o.until - t) / o.visibility) - 1;
    let k = 0;
    for (let i = 0, w = 1; i <= further; i++, w *= o.share) k += w;
    total += k * step;
  }
  return o.rate * o.share * (total + o.processingMean);
}
