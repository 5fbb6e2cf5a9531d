import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start an instance: the module a worker thread or child process runs, and the child's execArgv. */
export interface InstanceEntry {
  thread: URL;
  process: { file: string; execArgv: string[] };
  /** 'bundle' (one prebuilt ES module) or 'tsx' (TypeScript compiled as it loads). */
  kind: 'bundle' | 'tsx';
}

const SRC = dirname(fileURLToPath(import.meta.url));
const ROOT = join(SRC, '..', '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'splitsim');
const MAIN = join(SRC, 'instance-main.ts');
/** The public module (`splitsim`), bundled beside the instance so user model modules share its code (pin-splitsim.ts). */
const PUBLIC = join(ROOT, 'packages', 'splitsim', 'src', 'index.ts');

const TSX: InstanceEntry = {
  // On Node 20 `--import tsx` registers its loader on main threads only; the boot file registers it in a worker.
  thread: new URL('./instance-boot.mjs', import.meta.url),
  process: { file: MAIN, execArgv: ['--import', 'tsx'] },
  kind: 'tsx',
};

let cached: Promise<InstanceEntry> | null = null;

/**
 * The instance entry point. Loading the project's TypeScript through tsx costs every thread and
 * process most of a second of CPU (a loader thread, ~200 modules through its hooks); so the
 * project's own sources for an instance are bundled once with esbuild (installed with tsx) into
 * node_modules/.cache/splitsim/<key>/, packages from node_modules left as imports, and rebuilt
 * only when a source file changes. The public `splitsim` module is bundled beside it (shared
 * chunks), for user model modules that import it. Without esbuild, or with SPLITSIM_INSTANCE_LOADER=tsx, instances load
 * through tsx; SPLITSIM_INSTANCE_BUNDLE=<file> names a prebuilt bundle (for machines that get a
 * bundle and node_modules but no sources).
 */
export function instanceEntry(): Promise<InstanceEntry> {
  cached ??= resolveEntry();
  return cached;
}

async function resolveEntry(): Promise<InstanceEntry> {
  const prebuilt = process.env.SPLITSIM_INSTANCE_BUNDLE;
  if (prebuilt) return bundleEntry(prebuilt);
  // The published package: this code is a chunk of dist/, beside the compiled instance entry.
  const packaged = new URL('./instance.mjs', import.meta.url);
  if (existsSync(packaged)) return bundleEntry(fileURLToPath(packaged));
  if (process.env.SPLITSIM_INSTANCE_LOADER === 'tsx' || !existsSync(MAIN)) return TSX;
  try {
    return bundleEntry(fresh() ?? (await build()));
  } catch {
    return TSX;
  }
}

function bundleEntry(file: string): InstanceEntry {
  return { thread: pathToFileURL(file), process: { file, execArgv: [] }, kind: 'bundle' };
}

interface Manifest {
  key: string;
  bundle: string;
  inputs: string[];
}

/** Key of a set of source files: their paths, sizes and modification times. */
function keyOf(inputs: string[]): string {
  const h = createHash('sha256');
  for (const f of inputs) {
    const s = statSync(join(ROOT, f));
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** The cached bundle if no source it was built from has changed since. */
function fresh(): string | null {
  try {
    const m = JSON.parse(readFileSync(join(CACHE, 'instance.json'), 'utf8')) as Manifest;
    const bundle = join(CACHE, m.bundle);
    return existsSync(bundle) && keyOf(m.inputs) === m.key ? bundle : null;
  } catch {
    return null;
  }
}

async function build(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { instance: MAIN, index: PUBLIC },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    outdir: join(CACHE, 'out'),
    outExtension: { '.js': '.mjs' },
    plugins: [
      {
        // Only the project's sources go in; packages load from node_modules as usual.
        name: 'packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@splitsim/') || args.path === 'splitsim' ? null : { path: args.path, external: true }));
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile!.inputs).sort();
  const key = keyOf(inputs);
  // Write a folder then rename it, so a concurrent run never loads half a bundle.
  const tmp = join(CACHE, `${key}.${process.pid}.tmp`);
  mkdirSync(tmp, { recursive: true });
  for (const f of result.outputFiles!) writeFileSync(join(tmp, basename(f.path)), f.contents);
  copyFileSync(join(SRC, 'splitsim-hooks.mjs'), join(tmp, 'splitsim-hooks.mjs'));
  const dir = join(CACHE, key);
  try {
    renameSync(tmp, dir);
  } catch {
    // Another run built the same key first: use its folder.
    rmSync(tmp, { recursive: true, force: true });
  }
  const bundle = `${key}/instance.mjs`;
  const manifestTmp = join(CACHE, `instance.json.${process.pid}.tmp`);
  writeFileSync(manifestTmp, JSON.stringify({ key, bundle, inputs } satisfies Manifest));
  renameSync(manifestTmp, join(CACHE, 'instance.json'));
  return join(CACHE, bundle);
}
