import { parseArgs } from 'node:util';

/** Parses `--key value` benchmark options against defaults; numbers stay numbers. */
export function benchArgs<T extends Record<string, string | number | boolean>>(args: string[], defaults: T): T & { json: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { json: { type: 'boolean' } };
  for (const [k, v] of Object.entries(defaults)) options[k] = { type: typeof v === 'boolean' ? 'boolean' : 'string' };
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  const out: Record<string, unknown> = { ...defaults, json: false };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const d = (defaults as Record<string, unknown>)[k];
    if (typeof d === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${k}: "${v}" is not a number`);
      out[k] = n;
    } else out[k] = v;
  }
  return out as T & { json: boolean };
}
