import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { SplitSimError } from '@splitsim/kernel';
import { builtinLoaded, defineConfig, type Catalog, type Config } from '@splitsim/instantiation';
import { closest } from '@splitsim/system';
import { checkedCatalog, ensureTypeScript, importModules, resolveModule } from './modules.ts';

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  config: Config;
  params: Record<string, unknown>;
  /** The built-in module and the config's own model modules. */
  catalog: Catalog;
}

const fn = z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const configShape = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    params: z.custom<z.ZodType>((v) => typeof (v as { safeParse?: unknown })?.safeParse === 'function', 'must be a zod schema such as z.object({ … }).strict()').optional(),
    modules: z.array(z.string().min(1)).optional(),
    system: fn,
    instantiations: z.record(z.string(), fn).refine((r) => Object.keys(r).length > 0, 'must name at least one instantiation'),
    defaultInstantiation: z.string().optional(),
    run: z.object({ until: z.string().optional(), seed: z.number().int().optional() }).strict().optional(),
    summary: fn.optional(),
  })
  .strict();
const CONFIG_KEYS = Object.keys(configShape.shape);

/**
 * Imports a config file (TypeScript, no build step; tsx is registered by the `splitsim`
 * command), checks what it exports, resolves its parameters with the overrides, and reads its
 * model modules. Every mistake is one SplitSimError naming the file and the field.
 */
export async function loadConfig(path: string, overrides: Record<string, unknown> = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  if (!existsSync(file)) throw new SplitSimError('E_CONFIG', `${path}: no such config file`, { file: path });
  if (!statSync(file).isFile()) throw new SplitSimError('E_CONFIG', `${path}: not a file`, { file: path });
  await ensureTypeScript();
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new SplitSimError('E_CONFIG', `${path}: cannot load: ${loadError(err)}`, { file: path });
  }
  const config = shapeOf(path, exported(mod));
  const parsed = config.params.safeParse(overrides);
  if (!parsed.success) {
    const known = Object.keys((config.params as z.ZodObject).shape ?? {});
    const lines = parsed.error.issues.flatMap((i) => {
      if (i.code === 'unrecognized_keys') {
        return i.keys.map((k) => {
          const hint = closest(k, known);
          return `  - --set ${k}: no such parameter${hint ? ` (did you mean "${hint}"?)` : ''}; parameters: ${known.join(', ') || 'none'}`;
        });
      }
      return [`  - parameter ${i.path.join('.') || '(all)'}: ${i.message}`];
    });
    throw new SplitSimError('E_PARAMS', `${path}: bad parameters:${oneOrList(lines)}`, { file: path });
  }
  const refs = config.modules.map((m) => resolveModule(m, file, path));
  const catalog = checkedCatalog([builtinLoaded, ...(await importModules(refs, `config ${path}`))], `config ${path}`);
  return { file, config, params: parsed.data as Record<string, unknown>, catalog };
}

/** The default export, also when the file was compiled as CommonJS (exports.default). */
function exported(mod: { default?: unknown }): unknown {
  const d = mod.default as { __esModule?: boolean; default?: unknown } | undefined;
  return d && typeof d === 'object' && 'default' in d && !('system' in d) ? d.default : d;
}

/** The config with its defaults filled, or one error listing what is wrong with its shape. */
function shapeOf(path: string, value: unknown): Config {
  if (typeof value !== 'object' || value === null) {
    throw new SplitSimError('E_CONFIG', `${path}: the default export must be defineConfig({ name, system, instantiations, … }), got ${value === null ? 'null' : typeof value}`, { file: path });
  }
  const r = configShape.safeParse(value);
  if (!r.success) {
    const lines = r.error.issues.flatMap((i) => {
      if (i.code === 'unrecognized_keys') {
        return i.keys.map((k) => {
          const hint = closest(k, CONFIG_KEYS);
          return `  - unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}; a config has ${CONFIG_KEYS.join(', ')}`;
        });
      }
      const field = i.path.join('.');
      // zod leaves the input out of its issues: look the field up to tell missing from wrong.
      return [`  - ${field || '(config)'}: ${field && valueAt(value, i.path) === undefined ? 'is required' : i.message}`];
    });
    throw new SplitSimError('E_CONFIG', `${path}: the default export must be defineConfig({ name, system, instantiations, … }) with:${oneOrList(lines)}`, { file: path });
  }
  const config = defineConfig(value as Config);
  if (!(config.defaultInstantiation in config.instantiations)) {
    throw new SplitSimError('E_CONFIG', `${path}: defaultInstantiation "${config.defaultInstantiation}" is not one of its instantiations (${Object.keys(config.instantiations).join(', ')})`, { file: path });
  }
  return config;
}

/** The useful line of an import error: where a syntax error is (file:line:column), or the first line. */
function loadError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const located = lines.find((l) => /:\d+:\d+: (ERROR|error)/.test(l));
  if (located) return located;
  const first = lines[0] ?? 'error';
  const hint = /Cannot find (module|package) '(splitsim|@splitsim\/[^']*)'/.test(first)
    ? ' (install splitsim in the config\'s project: npm install splitsim, or keep the config inside the SplitSim.ts checkout)'
    : '';
  return first + hint;
}

/** "  - a" as " a" (one problem, one line), or the list under its heading. */
function oneOrList(lines: readonly string[]): string {
  return lines.length === 1 ? ` ${lines[0]!.replace(/^\s*- /, '')}` : `\n${lines.join('\n')}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}
