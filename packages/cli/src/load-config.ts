import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { SplitSimError } from '@splitsim/kernel';
import type { Config } from '@splitsim/instantiation';

export interface LoadedConfig {
  file: string;
  config: Config;
  params: Record<string, unknown>;
}

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

/** Imports a config file (TypeScript, no build step) and resolves its parameters with overrides. */
export async function loadConfig(path: string, overrides: Record<string, unknown> = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  if (!existsSync(file)) throw new SplitSimError('E_CONFIG', `${path}: no such config file`, { file: path });
  let mod: { default?: unknown };
  try {
    // tsImport loads TypeScript as ESM wherever the file lives, with or without a package.json.
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    const hint = /Cannot find (module|package) '@splitsim\//.test(message)
      ? ' (a config imports @splitsim/* packages, so it must live inside the SplitSim.ts checkout, e.g. in configs/, or in a project that depends on it)'
      : '';
    throw new SplitSimError('E_CONFIG', `${path}: cannot load: ${message}${hint}`, { file: path });
  }
  const config = mod.default as Config | undefined;
  if (!config || typeof config !== 'object' || typeof config.system !== 'function' || typeof config.instantiations !== 'object') {
    throw new SplitSimError('E_CONFIG', `${path}: the default export must be defineConfig({ name, params, system, instantiations, defaultInstantiation })`, { file: path });
  }
  const parsed = config.params.safeParse(overrides);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${basename(path)}: parameter ${i.path.join('.') || '(all)'}: ${i.message}`);
    throw new SplitSimError('E_PARAMS', `${path}: bad parameters:\n${lines.join('\n')}`, { file: path });
  }
  return { file, config, params: parsed.data };
}
