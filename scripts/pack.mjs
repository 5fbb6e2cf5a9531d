// Builds the publishable `splitsim` package and packs it: `npm run pack [-- --out <dir>]`.
//
// The checkout runs its TypeScript sources through tsx; a user's project gets compiled
// JavaScript and type declarations instead. esbuild bundles the public module, the command, the
// instance entry and the replications worker with shared chunks (so a config that imports
// `splitsim` and the command that loads it share one copy of the library), npm packages left as
// dependencies; tsc writes the declarations, whose imports of the internal @splitsim/* packages
// are rewritten to relative paths. Prints the tarball's path.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = resolve(outArg >= 0 ? process.argv[outArg + 1] : join(root, 'dist-pkg'));
const stage = join(outDir, 'splitsim');
const dist = join(stage, 'dist');
rmSync(stage, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const publicPkg = JSON.parse(readFileSync(join(root, 'packages/splitsim/package.json'), 'utf8'));
const profilerPkg = JSON.parse(readFileSync(join(root, 'profiler/package.json'), 'utf8'));

// 1. JavaScript.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    index: 'packages/splitsim/src/index.ts',
    bin: 'packages/splitsim/bin/splitsim.js',
    instance: 'packages/runtime/src/instance-main.ts',
    'replications-worker': 'packages/runtime/src/replications-worker.mjs',
  },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  banner: { js: '' },
  plugins: [
    {
      // The project's own packages go in; every npm package stays a dependency.
      name: 'packages-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@splitsim/') || args.path === 'splitsim' ? null : { path: args.path, external: true }));
      },
    },
  ],
});
copyFileSync(join(root, 'packages/runtime/src/splitsim-hooks.mjs'), join(dist, 'splitsim-hooks.mjs'));
// The command's file must start with its interpreter line (esbuild keeps the source's).
const bin = join(dist, 'bin.mjs');
const binText = readFileSync(bin, 'utf8');
if (!binText.startsWith('#!')) writeFileSync(bin, `#!/usr/bin/env node\n${binText}`);

// 2. Declarations.
const types = join(dist, 'types');
const tsconfig = join(stage, 'tsconfig.types.json');
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: join(root, 'tsconfig.json'),
    compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: root, outDir: types, rewriteRelativeImportExtensions: true, typeRoots: [join(root, 'node_modules/@types')],
      // The internal packages as project files, not libraries in node_modules, so that tsc writes theirs too.
      paths: { '@splitsim/profiler': [join(root, 'profiler/src/index.ts')], '@splitsim/*': [join(root, 'packages/*/src/index.ts')] } },
    include: [],
    files: [join(root, 'packages/splitsim/src/index.ts')],
  }),
);
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
rmSync(tsconfig);
// `@splitsim/<name>` → the relative path of that package's declarations; `.ts` specifiers → `.js`.
for (const file of walk(types)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8')
    .replace(/(from\s+|import\()(['"])@splitsim\/([a-z]+)\2/g, (_, lead, q, name) => {
      const target = join(types, name === 'profiler' ? 'profiler' : `packages/${name}`, 'src/index.js');
      let rel = relative(dirname(file), target);
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${lead}${q}${rel}${q}`;
    })
    .replace(/(['"])(\.{1,2}\/[^'"]+)\.ts\1/g, '$1$2.js$1');
  writeFileSync(file, text);
}

// 3. The package.
const deps = { ...rootPkg.dependencies, ...profilerPkg.dependencies };
for (const dev of ['splitsim', 'esbuild']) delete deps[dev];
const pkg = {
  name: 'splitsim',
  version: publicPkg.version,
  description: rootPkg.description,
  type: 'module',
  license: rootPkg.license ?? 'UNLICENSED',
  engines: rootPkg.engines,
  bin: { splitsim: 'dist/bin.mjs' },
  exports: { '.': { types: './dist/types/packages/splitsim/src/index.d.ts', default: './dist/index.mjs' } },
  files: ['dist', 'README.md'],
  dependencies: Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
copyFileSync(join(root, 'README.md'), join(stage, 'README.md'));
const packed = execFileSync('npm', ['pack', '--pack-destination', outDir, '--silent'], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
console.log(join(outDir, packed));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
