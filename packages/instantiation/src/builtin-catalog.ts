import { SplitSimError } from '@splitsim/kernel';
import { BUILTIN_MODULE, builtinModule } from '@splitsim/models';
import { catalogOf, type Catalog, type LoadedModule } from './catalog.ts';

/** The built-in model module, as catalogOf reads it. */
export const builtinLoaded: LoadedModule = { ref: { specifier: BUILTIN_MODULE }, exports: builtinModule as unknown as Record<string, unknown> };

let cached: Catalog | null = null;

/** The catalogue of the built-in module alone: what a config without modules of its own uses. */
export function builtinCatalog(): Catalog {
  if (cached) return cached;
  const { catalog, problems } = catalogOf([builtinLoaded]);
  // A bad built-in model is our bug, not the user's: say so plainly.
  if (problems.length > 0) throw new SplitSimError('E_CONFIG', `the built-in model module is broken: ${problems.map((p) => p.message).join('; ')}`);
  cached = catalog;
  return catalog;
}
