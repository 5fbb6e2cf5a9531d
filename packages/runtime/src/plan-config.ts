import { SplitSimError } from '@splitsim/kernel';
import { instantiate, PlanError, type Instantiation, type Plan } from '@splitsim/instantiation';
import { System } from '@splitsim/system';
import type { LoadedConfig } from './config-file.ts';

/**
 * Builds a loaded config's system and resolves one of its instantiations into a plan, as `run`,
 * `plan` and the replication workers do. Whatever goes wrong in the user's code (a builder that
 * throws or returns the wrong thing) or in the plan is one SplitSimError naming the config file.
 */
export function planConfig(
  loaded: LoadedConfig,
  path: string,
  instantiation: string | undefined,
  seed: number,
  /** Changes the built instantiation before it is resolved (`--partition-file` puts its partition in). */
  adjust?: (inst: Instantiation) => Instantiation,
): { plan: Plan; system: System; instantiation: string } {
  const { config, params, catalog } = loaded;
  const name = instantiation ?? config.defaultInstantiation;
  const build = config.instantiations[name];
  if (!build) throw new SplitSimError('E_CONFIG', `${path}: no instantiation "${name}" (available: ${Object.keys(config.instantiations).join(', ')})`, { file: path });
  const system = buildSystem(loaded, path);
  const built = userCode(path, `instantiation ${name}`, () => build(system, params));
  const inst = adjust ? adjust(built) : built;
  try {
    return { plan: instantiate(system, inst, { config: config.name, instantiation: name, seed, catalog }), system, instantiation: name };
  } catch (err) {
    if (err instanceof PlanError) throw new SplitSimError('E_CONFIG', `${path}: ${err.message}`, { file: path, problems: err.problems });
    throw err;
  }
}

/** The config's system, or an error naming the file when its builder throws or returns something else. */
export function buildSystem(loaded: LoadedConfig, path: string): System {
  const system = userCode(path, 'system()', () => loaded.config.system(loaded.params));
  if (!(system instanceof System)) {
    const got = system === undefined ? 'nothing' : system === null ? 'null' : typeof system === 'object' ? (system as object).constructor?.name ?? 'an object' : typeof system;
    throw new SplitSimError('E_CONFIG', `${path}: system() must return the System it built (new System(name)…; return it), got ${got}`, { file: path });
  }
  return system;
}

/** Runs a function of the user's config; what it throws becomes one line naming the file and the function. */
function userCode<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    const message = typeof e?.message === 'string' ? e.message : String(err);
    throw new SplitSimError(typeof e?.code === 'string' && e.code.startsWith('E_') ? (e.code as 'E_CONFIG') : 'E_CONFIG', `${path}: ${what} failed: ${message}`, { file: path });
  }
}
