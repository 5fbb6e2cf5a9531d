/**
 * Figures for people: progress lines, run summaries and reports show times, speeds and rates to a
 * few significant digits with a unit that keeps the number readable ("27.8 ks" would not be:
 * seconds stay seconds). Exact values stay in the JSON and CSV files; these are for reading.
 */
const PS_PER_S = 1e12;

const SUB_SECOND: Array<[number, string]> = [
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
  [1e-12, 'ps'],
];

/** `x` to `digits` significant digits, never in exponent form, thousands grouped: 27843, 1.235, 0.0636. */
export function showNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  // Very small values keep their digits rather than rounding to 0.
  if (decimals > 12) return x.toPrecision(digits);
  return x.toLocaleString('en', { minimumFractionDigits: 0, maximumFractionDigits: decimals, useGrouping: Math.abs(x) >= 10_000 });
}

/** A duration in seconds: "12.5 µs", "850 ms", "27,843 s" (seconds stay seconds above 1 s). */
export function showSeconds(seconds: number, digits = 4): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds === 0) return '0 s';
  // Rounded before the unit is chosen, so 0.99996 s reads "1 s", not "1,000 ms".
  if (Math.abs(+seconds.toPrecision(digits)) >= 1) return `${showNumber(seconds, digits)} s`;
  for (const [scale, unit] of SUB_SECOND) {
    const v = +(seconds / scale).toPrecision(digits);
    if (Math.abs(v) >= 1 || unit === 'ps') return `${showNumber(v, digits)} ${unit}`;
  }
  return `${seconds} s`;
}

/** Simulated time in integer picoseconds, as showSeconds. */
export function showTime(ps: number, digits = 4): string {
  return showSeconds(ps / PS_PER_S, digits);
}

/** Wall-clock time left or spent: "45 s", "3 min 05 s", "2 h 07 min". */
export function showWall(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'n/a';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Simulation speed, simulated seconds per wall second: "1.23 ms/s". */
export function showSpeed(simSecondsPerWallSecond: number): string {
  return `${showSeconds(simSecondsPerWallSecond, 3)}/s`;
}

/** A count per second: "4.56 M/s", "830 k/s", "12/s". */
export function showRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  for (const [scale, prefix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (Math.abs(perSecond) >= scale) return `${showNumber(perSecond / scale, 3)} ${prefix}/s`;
  return `${showNumber(perSecond, 3)}/s`;
}

/** A share as a percentage, one decimal: "24.6 %", "100 %" (99.96 % reads 99.9 %, not 100 %, until it is). */
export function showPercent(share: number): string {
  if (!Number.isFinite(share)) return 'n/a';
  const p = share * 100;
  return `${p === 100 ? '100' : (p > 99.9 && p < 100 ? 99.9 : p).toFixed(1)} %`;
}
