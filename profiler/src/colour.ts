/**
 * Node colours of the WTPG: red for an instance that waits little (it is busy all the time: a
 * bottleneck) through yellow to green for one that waits a lot (idle). The scale is absolute, from
 * 0 % to 100 % of wall time waiting, so a balanced run looks uniform instead of stretching small
 * differences over the whole scale; colours are light enough for black labels on them.
 */
export function waitColour(waitShare: number): string {
  const share = Math.min(1, Math.max(0, Number.isFinite(waitShare) ? waitShare : 0));
  return hsl(120 * share, 0.75, 0.62);
}

/** Stops for a legend gradient, 0 % to 100 % waiting. */
export function colourStops(n = 11): { share: number; colour: string }[] {
  return Array.from({ length: n }, (_, i) => ({ share: i / (n - 1), colour: waitColour(i / (n - 1)) }));
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
