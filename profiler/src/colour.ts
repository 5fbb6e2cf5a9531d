import { DEFAULT_BALANCE_THRESHOLD } from './findings.ts';

/**
 * Node colours of the WTPG: red for the instance that waits least in this run (it is busy all
 * the time: the bottleneck) through yellow to green for the one that waits most (idle). The scale
 * spans the run's own range of wait shares, so a run whose instances all wait 67-83 % still shows
 * which is busiest; but it spans at least the share that counts as an outlier (findings.ts), so
 * a balanced run stays one colour instead of stretching a 1 % difference from red to green. The
 * legend says which shares the ends stand for. Colours are light enough for black labels.
 */
export interface ColourScale {
  /** Wait share drawn red. */
  lo: number;
  /** Wait share drawn green. */
  hi: number;
}

/** The run's range of wait shares, widened about its middle to at least `minSpan` and kept within [0, 1]. */
export function colourScale(waitShares: readonly number[], minSpan = DEFAULT_BALANCE_THRESHOLD): ColourScale {
  const shares = waitShares.filter((s) => Number.isFinite(s));
  if (shares.length === 0) return { lo: 0, hi: 1 };
  let lo = Math.min(...shares);
  let hi = Math.max(...shares);
  if (hi - lo < minSpan) {
    const mid = (lo + hi) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
    if (lo < 0) [lo, hi] = [0, minSpan];
    if (hi > 1) [lo, hi] = [1 - minSpan, 1];
  }
  return { lo, hi };
}

/** The colour of a wait share on `scale` (default: the absolute scale, 0 % red to 100 % green). */
export function waitColour(waitShare: number, scale: ColourScale = { lo: 0, hi: 1 }): string {
  const share = Number.isFinite(waitShare) ? (waitShare - scale.lo) / (scale.hi - scale.lo || 1) : 0;
  return hsl(120 * Math.min(1, Math.max(0, share)), 0.75, 0.62);
}

/** Stops for a legend gradient from scale.lo to scale.hi; `share` is the wait share each stands for. */
export function colourStops(scale: ColourScale = { lo: 0, hi: 1 }, n = 11): { share: number; colour: string; at: number }[] {
  return Array.from({ length: n }, (_, i) => {
    const share = scale.lo + ((scale.hi - scale.lo) * i) / (n - 1);
    return { share, colour: waitColour(share, scale), at: i / (n - 1) };
  });
}

function hsl(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
