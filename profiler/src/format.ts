/**
 * How figures read in the summary, the DOT labels and the HTML page: one place, so a share or a
 * speed looks the same everywhere. (The kernel has its own time formatter; the profiler imports
 * nothing from the kernel.)
 */
export function percent(share: number): string {
  if (!Number.isFinite(share)) return 'n/a';
  const p = share * 100;
  return `${Math.abs(p) >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)} %`;
}

const TIME_UNITS: [number, string][] = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
  [1e-12, 'ps'],
];

/** A duration in seconds, with the largest unit that keeps it at 1 or more: "12.5 µs". */
export function duration(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (!Number.isFinite(seconds)) return 'n/a';
  // Rounded before the unit is chosen, so 0.9996 ms reads "1 ms", not "1000 µs".
  for (const [scale, unit] of TIME_UNITS) {
    const v = +(seconds / scale).toPrecision(3);
    if (Math.abs(v) >= 1) return `${v} ${unit}`;
  }
  return `${+(seconds / 1e-12).toPrecision(3)} ps`;
}

/** Simulation speed, simulated seconds per wall second, short: "12.5 µs/s". */
export function speedShort(speed: number): string {
  return `${duration(speed)}/s`;
}

/** Simulation speed in words, with the slowdown against real time where it is one. */
export function speedLong(speed: number): string {
  const slowdown = speed > 0 && speed < 1 ? ` (${Math.round(1 / speed).toLocaleString('en')}× slower than real time)` : '';
  return `${duration(speed)} simulated per wall second${slowdown}`;
}

/** Events per second: "1.23 M/s". */
export function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  if (perSecond >= 1e6) return `${+(perSecond / 1e6).toPrecision(3)} M/s`;
  if (perSecond >= 1e3) return `${+(perSecond / 1e3).toPrecision(3)} k/s`;
  return `${+perSecond.toPrecision(3)}/s`;
}

/**
 * What a reader should make of instances whose own speed figures differ. Synchronized instances
 * advance together, so the difference comes from their sample windows covering slightly
 * different stretches of the run: it says how firm the speed figure is, not that the run is wrong.
 */
export function speedNotice(speed: { min: number; max: number; spread: number }): string {
  const range = `${speedShort(speed.min)} to ${speedShort(speed.max)}`;
  if (speed.spread <= 0.25) {
    return `The instances' own speed figures differ by ${percent(speed.spread)} (${range}): their profile windows cover slightly different stretches of the run. Nothing is wrong; the speed shown is their median.`;
  }
  return `The instances' own speed figures differ by ${percent(speed.spread)} (${range}): their profile windows cover quite different stretches of the run (a run short for its profile interval, or an instance that started late). Wait shares still hold; for a firm speed, profile a longer run.`;
}
