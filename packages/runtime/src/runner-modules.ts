import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import { SplitSimError } from '@splitsim/kernel';
import type { ModuleRef, Plan } from '@splitsim/instantiation';
import { BUILTIN_MODULE } from '@splitsim/models';
import type { RemoteModule } from './runner-protocol.ts';

/**
 * Where model modules are found on each side of a distributed run. Plans name modules by
 * specifier; a plan's `url`s are the coordinator's files and mean nothing on a runner, which
 * never imports a location it was sent. So the coordinator sends each module of its project as
 * a path relative to its project directory (the directory `splitsim run` runs in), and each
 * runner looks for that path under its own `--project` directory, or resolves a package
 * specifier from there as Node would. A path that leaves the project, or a module the runner's
 * installation lacks, is refused by name.
 */

/** Coordinator side: each plan module as a runner should look for it. */
export function modulesForRunners(plan: Plan, project: string): RemoteModule[] {
  return plan.modules.map((m) => {
    if (m.url === undefined || !m.url.startsWith('file:')) return { specifier: m.specifier };
    // A relative specifier is a file of the project; a package resolves on the runner by itself.
    if (!(m.specifier.startsWith('./') || m.specifier.startsWith('../') || isAbsolute(m.specifier))) return { specifier: m.specifier };
    const rel = relative(project, fileURLToPath(m.url));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new SplitSimError('E_CONFIG', `model module ${m.specifier} (${fileURLToPath(m.url)}) is outside the project directory ${project}; runners look for model modules in their own copy of the project, so run splitsim from the project's directory`, { module: m.specifier });
    }
    return { specifier: m.specifier, path: rel.split(sep).join('/') };
  });
}

/**
 * Runner side: the plan's modules resolved in this runner's project, or a refusal naming the
 * module (and the models the plan takes from it) that this installation lacks.
 */
export function resolveOnRunner(plan: Plan, sent: readonly RemoteModule[], project: string): Plan {
  const bySpecifier = new Map(sent.map((m) => [m.specifier, m]));
  const root = resolvePath(project);
  const modules: ModuleRef[] = plan.modules.map((m) => {
    if (m.specifier === BUILTIN_MODULE) return { specifier: m.specifier };
    const needs = plan.models.filter((x) => x.module === m.specifier).map((x) => `"${x.name}"`);
    const lacks = (why: string) =>
      new SplitSimError('E_CONFIG', `this runner lacks model module ${m.specifier}${needs.length > 0 ? ` (models ${needs.join(', ')})` : ''}: ${why}`, { module: m.specifier });
    const path = bySpecifier.get(m.specifier)?.path;
    if (path !== undefined) {
      const file = resolvePath(root, path);
      const rel = relative(root, file);
      if (isAbsolute(path) || rel.startsWith('..') || isAbsolute(rel)) throw lacks(`its path ${path} leaves the project directory`);
      if (!existsSync(file)) throw lacks(`no file ${file} in its project ${root}`);
      return { specifier: m.specifier, url: pathToFileURL(file).href };
    }
    let url: string;
    try {
      url = resolveImport(m.specifier, pathToFileURL(join(root, 'package.json')).href);
    } catch (err) {
      throw lacks(`not installed in its project ${root} (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`);
    }
    if (!url.startsWith('file:')) throw lacks(`${m.specifier} is not a module of the project (${url})`);
    return { specifier: m.specifier, url };
  });
  return { ...plan, modules };
}
