import { readFileSync } from 'node:fs';

/**
 * The version of the `splitsim` package this CLI belongs to: its package.json is beside the
 * compiled files' folder in the published package, in packages/splitsim in this checkout.
 */
export const VERSION: string = (() => {
  for (const candidate of ['../package.json', '../../splitsim/package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'splitsim' && pkg.version) return pkg.version;
    } catch {
      // not this layout
    }
  }
  return 'unknown';
})();
