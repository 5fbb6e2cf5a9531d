import { relative } from 'node:path';
import { SplitSimError, type ComponentMetrics, type ErrorCode } from '@splitsim/kernel';
import { instantiate, PlanError, type Figure, type Instantiation, type Plan } from '@splitsim/instantiation';
import { System } from '@splitsim/system';
import type { LoadedConfig } from './config-file.ts';

/**
 * Builds a loaded config's system and resolves one of its instantiations into a plan, as `run`,
 * `plan` and the replication workers do. Every call into the config's own code (its system
 * builder, instantiation builders and summary) goes through userCode(): what that code throws, or
 * returns in the wrong shape, is the user's to fix, so it is one SplitSimError naming the config
 * file, the function and, for an exception, the config's line it came from, never an internal
 * error of ours. Our own errors raised inside (a topology builder's bad option, parseTime) keep
 * their code.
 */
export function planConfig(
  loaded: LoadedConfig,
  path: string,
  instantiation: string | undefined,
  seed: number,
  /** Changes the built instantiation before it is resolved (`--partition-file` puts its partition in). */
  adjust?: (inst: Instantiation) => Instantiation,
): { plan: Plan; system: System; instantiation: string } {
  const { config, catalog } = loaded;
  const name = instantiation ?? config.defaultInstantiation;
  const system = buildSystem(loaded, path);
  const built = buildInstantiation(loaded, path, name, system);
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
  const system = userCode(loaded.file, path, 'system()', () => loaded.config.system(loaded.params));
  if (!(system instanceof System)) {
    const got = system === undefined ? 'nothing' : system === null ? 'null' : typeof system === 'object' ? ((system as object).constructor?.name ?? 'an object') : typeof system;
    throw new SplitSimError('E_CONFIG', `${path}: system() must return the System it built (new System(name)…; return it), got ${got}`, { file: path });
  }
  return system;
}

/** What the config's instantiation `name` returns for `system` (instantiate() checks its shape). */
export function buildInstantiation(loaded: LoadedConfig, path: string, name: string, system: System): Instantiation {
  const { config } = loaded;
  // Own keys only: `--inst toString` names no instantiation.
  const build = Object.hasOwn(config.instantiations, name) ? config.instantiations[name] : undefined;
  if (!build) throw new SplitSimError('E_CONFIG', `${path}: no instantiation "${name}" (available: ${Object.keys(config.instantiations).join(', ')})`, { file: path, field: '--inst' });
  return userCode(loaded.file, path, `instantiation ${name}`, () => build(system, loaded.params));
}

/** The config's headline figures of a run, checked to be a list of { name, value }. */
export function summarize(loaded: LoadedConfig, path: string, metrics: ComponentMetrics[]): Figure[] {
  const { config } = loaded;
  if (!config.summary) return [];
  const figures = userCode(loaded.file, path, 'summary()', () => config.summary!(metrics, loaded.params));
  if (!Array.isArray(figures) || figures.some((f) => typeof f !== 'object' || f === null || typeof f.name !== 'string' || typeof f.value !== 'number')) {
    throw new SplitSimError('E_CONFIG', `${path}: summary() must return an array of figures { name, value, expected?, unit? }`, { file: path });
  }
  return figures;
}

/** Runs a function of the user's config; what it throws becomes one line naming the file and the function. */
function userCode<T>(file: string, path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown; name?: unknown; details?: unknown } | null;
    const message = typeof e?.message === 'string' ? e.message : String(err);
    if (typeof e?.code === 'string' && e.code.startsWith('E_')) {
      throw new SplitSimError(e.code as ErrorCode, `${path}: ${what} failed: ${message}`, { ...(typeof e.details === 'object' ? e.details : {}), file: path });
    }
    // Not ours: its kind, the first line of its message and where in the config it was thrown.
    const name = typeof e?.name === 'string' ? `${e.name}: ` : '';
    const at = configLine(err, file);
    throw new SplitSimError('E_CONFIG', `${path}: ${what} failed: ${name}${message.split('\n')[0]!.trim()}${at ? ` (at ${at})` : ''}`, { file: path });
  }
}

/** `file:line:column` of the innermost stack frame in the config file, else outside node_modules and our packages. */
function configLine(err: unknown, file: string): string | undefined {
  const stack = (err as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  const frames = [...stack.matchAll(/\(?((?:file:\/\/)?\/[^\s()]+?):(\d+):(\d+)\)?$/gm)].map((m) => ({ file: m[1]!.replace(/^file:\/\//, ''), line: m[2]!, col: m[3]! }));
  const own = frames.find((f) => f.file === file) ?? frames.find((f) => !/\/node_modules\/|\/packages\/[^/]+\/src\/|^node:/.test(f.file));
  if (!own) return undefined;
  const rel = relative(process.cwd(), own.file);
  return `${rel && !rel.startsWith('..') ? rel : own.file}:${own.line}:${own.col}`;
}
