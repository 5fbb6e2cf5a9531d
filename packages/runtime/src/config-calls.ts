import { relative } from 'node:path';
import { SplitSimError, type ComponentMetrics, type ErrorCode } from '@splitsim/kernel';
import { instantiate, type Figure, type Instantiation, type Plan } from '@splitsim/instantiation';
import type { System } from '@splitsim/system';
import type { LoadedConfig } from './config-file.ts';

/**
 * Every call from the command into a config's own code: its system builder, its instantiation
 * builders and its summary. What that code throws, or returns in the wrong shape, is the user's
 * to fix, so it becomes one E_CONFIG line naming the config file, the function and, for an
 * exception, the line of the config it came from; it is never reported as our internal error.
 * Our own errors raised inside (a topology builder's bad option, parseTime) keep their code and
 * gain the file and the function as a prefix.
 */
export function callConfig<T>(file: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromConfig(file, what, err);
  }
}

/** `err`, thrown by the config's `what`, as one SplitSimError. */
export function fromConfig(file: string, what: string, err: unknown): SplitSimError {
  const shown = displayPath(file);
  const e = err as { code?: unknown; message?: unknown; name?: unknown; details?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && e.code.startsWith('E_') && typeof e.message === 'string') {
    return new SplitSimError(e.code as ErrorCode, `${shown}: ${what}: ${e.message}`, { ...((e.details as object) ?? {}), file });
  }
  const name = e !== null && typeof e === 'object' && typeof e.name === 'string' ? e.name : 'error';
  const message = e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(err);
  const at = configFrame(err, file);
  const first = message.split('\n')[0]!.trim();
  return new SplitSimError('E_CONFIG', `${shown}: ${what} threw ${name}: ${first}${at ? ` (at ${at})` : ''}`, { file });
}

/** The config's system, checked to be one. */
export function buildSystem(loaded: LoadedConfig, params: Record<string, unknown>): System {
  const system = callConfig(loaded.file, 'system()', () => loaded.config.system(params));
  const s = system as { resolve?: unknown; components?: unknown; links?: unknown } | null | undefined;
  if (typeof s !== 'object' || s === null || typeof s.resolve !== 'function' || !Array.isArray(s.components) || !Array.isArray(s.links)) {
    const got = s === null ? 'null' : Array.isArray(s) ? 'an array' : typeof s;
    throw new SplitSimError('E_CONFIG', `${displayPath(loaded.file)}: system() must return the System it built (new System(…), then add and link), got ${got}`, { file: loaded.file });
  }
  return system;
}

/** The instantiation `name` of the config (or its default), built for `system`. */
export function buildInstantiation(loaded: LoadedConfig, name: string | undefined, system: System, params: Record<string, unknown>): { name: string; inst: Instantiation } {
  const { config } = loaded;
  const instName = name ?? config.defaultInstantiation;
  const build = Object.hasOwn(config.instantiations, instName) ? config.instantiations[instName] : undefined;
  if (!build) {
    throw new SplitSimError('E_CONFIG', `${displayPath(loaded.file)}: no instantiation "${instName}" (available: ${Object.keys(config.instantiations).join(', ')})`, { file: loaded.file, field: '--inst' });
  }
  const inst = callConfig(loaded.file, `instantiation ${instName}`, () => build(system, params));
  return { name: instName, inst };
}

/** System, instantiation and validated plan: what `splitsim plan` shows and `splitsim run` runs. */
export function planConfig(loaded: LoadedConfig, o: { inst?: string; seed: number }): { system: System; plan: Plan; instName: string } {
  const system = buildSystem(loaded, loaded.params);
  const { name, inst } = buildInstantiation(loaded, o.inst, system, loaded.params);
  const plan = instantiate(system, inst, { config: loaded.config.name, instantiation: name, seed: o.seed, catalog: loaded.catalog });
  return { system, plan, instName: name };
}

/** The config's headline figures of a run, checked to be a list of { name, value }. */
export function summarize(loaded: LoadedConfig, metrics: ComponentMetrics[]): Figure[] {
  const { config } = loaded;
  if (!config.summary) return [];
  const figures = callConfig(loaded.file, 'summary()', () => config.summary!(metrics, loaded.params));
  if (!Array.isArray(figures) || figures.some((f) => typeof f !== 'object' || f === null || typeof f.name !== 'string' || typeof f.value !== 'number')) {
    throw new SplitSimError('E_CONFIG', `${displayPath(loaded.file)}: summary() must return an array of figures { name, value, expected?, unit? }`, { file: loaded.file });
  }
  return figures;
}

/** The file as the user would write it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** `file:line:column` of the innermost stack frame in the config file (or, failing that, outside node_modules and our packages). */
function configFrame(err: unknown, file: string): string | undefined {
  const stack = (err as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  const frames = [...stack.matchAll(/\(?((?:file:\/\/)?\/[^\s()]+?):(\d+):(\d+)\)?$/gm)].map((m) => ({ file: m[1]!.replace(/^file:\/\//, ''), line: m[2]!, col: m[3]! }));
  const own = frames.find((f) => f.file === file) ?? frames.find((f) => !/\/node_modules\/|\/packages\/[^/]+\/src\/|^node:/.test(f.file));
  return own ? `${displayPath(own.file)}:${own.line}:${own.col}` : undefined;
}
