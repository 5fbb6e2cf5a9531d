import { SplitSimError } from '@splitsim/kernel';
export { loadConfig, type LoadedConfig } from '@splitsim/runtime';

/** Parses `--set key=value` pairs: JSON where it parses ("90", "true", "[1,2]"), else the plain string. */
export function parseOverrides(pairs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SplitSimError('E_CONFIG', `--set ${pair}: write key=value`, { field: pair });
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string, such as a time with a unit
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}
