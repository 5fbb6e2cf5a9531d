import { existsSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import { SplitSimError } from '@splitsim/kernel';
import { builtinLoaded, catalogOf, type Catalog, type LoadedModule, type ModuleRef, type Plan } from '@splitsim/instantiation';
import { BUILTIN_MODULE } from '@splitsim/models';

/**
 * Model modules: where a config's specifiers resolve, and their import. A relative specifier
 * (`./router.ts`) is a file beside the config; anything else is an installed package, found
 * from the config's directory as Node would. TypeScript modules load through tsx, which the
 * `splitsim` command registers (and instances register when a plan needs it).
 */
export function resolveModule(specifier: string, configFile: string, shownAs = configFile): ModuleRef {
  if (specifier === BUILTIN_MODULE) return { specifier };
  const from = `config ${shownAs}`;
  if (specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier)) {
    const file = resolvePath(dirname(configFile), specifier);
    if (!existsSync(file)) throw new SplitSimError('E_CONFIG', `${from}: model module ${specifier} not found (no file ${file})`, { file: configFile, module: specifier });
    return { specifier, url: pathToFileURL(file).href };
  }
  try {
    return { specifier, url: resolveImport(specifier, pathToFileURL(configFile).href) };
  } catch (err) {
    throw new SplitSimError('E_CONFIG', `${from}: model module ${specifier} not found (${firstLine(err)}); install it in the config's project, or write ./${specifier} for a file beside the config`, { file: configFile, module: specifier });
  }
}

/** Imports each module (the built-in one from this installation) and reads its exports. */
export async function importModules(refs: readonly ModuleRef[], context: string): Promise<LoadedModule[]> {
  const out: LoadedModule[] = [];
  for (const ref of refs) {
    if (ref.specifier === BUILTIN_MODULE && ref.url === undefined) {
      out.push(builtinLoaded);
      continue;
    }
    if (ref.url === undefined) throw new SplitSimError('E_CONFIG', `${context}: model module ${ref.specifier} has no location on this machine`, { module: ref.specifier });
    if (/\.[cm]?tsx?$/.test(ref.url)) await ensureTypeScript();
    let exports: Record<string, unknown>;
    try {
      exports = (await import(ref.url)) as Record<string, unknown>;
    } catch (err) {
      throw new SplitSimError('E_CONFIG', `${context}: model module ${ref.specifier} failed to load: ${firstLine(err)}`, { module: ref.specifier });
    }
    out.push({ ref, exports });
  }
  return out;
}

/** The catalogue of modules, or one error naming every problem in them. */
export function checkedCatalog(modules: readonly LoadedModule[], context: string): Catalog {
  const { catalog, problems } = catalogOf(modules);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.where}: ${p.message}`);
    throw new SplitSimError('E_CONFIG', `${context}: ${lines.length === 1 ? lines[0] : `${lines.length} problems in its model modules:\n${lines.map((l) => `  - ${l}`).join('\n')}`}`, { problems });
  }
  return catalog;
}

/**
 * The catalogue a plan's instances use: the plan's modules read from this machine's files, and
 * every model the plan names provided by the module it names. Runners never take code from a
 * plan, only these names.
 */
export async function planCatalog(plan: Plan): Promise<Catalog> {
  const context = `plan of ${plan.config}`;
  const catalog = checkedCatalog(await importModules(plan.modules, context), context);
  for (const m of plan.models) {
    const found = catalog.models.get(m.name);
    if (!found || found.module !== m.module) {
      throw new SplitSimError('E_CONFIG', `${context}: model "${m.name}" is not provided by model module ${m.module} here${found ? ` (${found.module} provides it)` : ''}`, { model: m.name, module: m.module });
    }
  }
  return catalog;
}

let typescript: Promise<void> | null = null;

/**
 * Registers tsx's loader once, unless something already loads TypeScript here: `--import tsx`
 * on a main thread (on Node 20 it does not reach worker threads), or whoever set the flag
 * TS_LOADED after registering it (the `splitsim` command, the worker boot file).
 */
export function ensureTypeScript(): Promise<void> {
  typescript ??= (async () => {
    const g = globalThis as Record<symbol, unknown>;
    if (g[TS_LOADED] === true || (isMainThread && process.execArgv.some((a) => /(^|[=/])tsx(\/|$)/.test(a) || a === 'tsx'))) return;
    const [{ register }, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    register();
    // A module in a CommonJS package (no "type": "module") compiles to CommonJS and needs this one.
    cjs.register();
    g[TS_LOADED] = true;
  })();
  return typescript;
}

/** Set on globalThis by code that registered tsx's loader in this thread. */
export const TS_LOADED = Symbol.for('splitsim.tsx-registered');

function firstLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0]!;
}
