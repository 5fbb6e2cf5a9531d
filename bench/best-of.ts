/**
 * The best of `rounds` measurements: the highest rate or the lowest time. A benchmark on a shared
 * machine is slowed by others, never sped up, so the best round is the closest to what the code
 * can do.
 */
export async function bestOf(rounds: number, measure: () => Promise<number>, want: 'highest' | 'lowest'): Promise<number> {
  let best = NaN;
  for (let i = 0; i < rounds; i++) {
    const v = await measure();
    if (Number.isNaN(best) || (want === 'highest' ? v > best : v < best)) best = v;
  }
  return best;
}
