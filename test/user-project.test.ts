/**
 * SplitSim.ts as a user gets it: the `splitsim` package packed (`npm run pack`), installed into
 * a new project outside this checkout, and the model-writing tutorial's files (a custom kind
 * and its model, a custom host application, a config using both) run with the installed
 * command in one instance, two worker threads and two child processes: the same metrics.json
 * bytes each time, the summary figures printed; the files type-check against the published
 * declarations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docFiles } from './support/doc-blocks.ts';

const root = join(import.meta.dirname, '..');

test('a user project: pack, install, run the tutorial’s models in one instance, threads and processes', () => {
  const work = mkdtempSync(join(tmpdir(), 'splitsim-user-'));
  try {
    const tarball = execFileSync(process.execPath, [join(root, 'scripts/pack.mjs'), '--out', join(work, 'pack')], { encoding: 'utf8' }).trim().split('\n').pop()!;
    const project = join(work, 'lab');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'lab', private: true, type: 'module' }));
    // The dependencies are those `npm ci` put in the cache; the registry is asked only for what is missing.
    execFileSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'] });
    for (const f of docFiles(readFileSync(join(root, 'docs/writing-models.md'), 'utf8'))) writeFileSync(join(project, f.name), f.code);

    const splitsim = (...args: string[]) => spawnSync(join(project, 'node_modules/.bin/splitsim'), args, { cwd: project, encoding: 'utf8' });
    const version = splitsim('--version');
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'packages/splitsim/package.json'), 'utf8')).version);
    const runs = [['one'], ['split'], ['split', '--placement', 'process']].map((how, i) => {
      const r = splitsim('run', 'lab.ts', '--inst', how[0]!, ...how.slice(1), '--out', `run${i}`);
      assert.equal(r.status, 0, `${how.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /requests answered {2}3,988\n/);
      assert.match(r.stdout, /rehashes {11}1,095\n/);
      assert.match(r.stdout, /ping round trip {4}7\.904 µs {3}theory 7\.904 µs, error 0\.00 %\n/);
      return readFileSync(join(project, `run${i}/metrics.json`), 'utf8');
    });
    assert.equal(runs[1], runs[0], 'threads give the bytes of one instance');
    assert.equal(runs[2], runs[0], 'processes give the bytes of one instance');
    const plan = JSON.parse(readFileSync(join(project, 'run2/plan.json'), 'utf8')) as { modules: Array<{ specifier: string }>; models: Array<{ name: string; module: string }> };
    assert.deepEqual(plan.modules.map((m) => m.specifier), ['splitsim/models', './router.ts', './ping.ts']);
    assert.ok(plan.models.some((m) => m.name === 'router.load-aware' && m.module === './router.ts'));

    // The user's files type-check against the package's declarations.
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, include: ['*.ts'] }));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
