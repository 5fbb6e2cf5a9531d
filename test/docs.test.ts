/**
 * Docs are tests: the README's configs and the model-writing tutorial, extracted from the
 * Markdown, written into a folder and run with the `splitsim` command as printed. Each command
 * must succeed and print what its `# →` comment or output block promises; runs of one config
 * with other instantiations or placements must write the same metrics.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogOf } from '@splitsim/instantiation';
import { docCommands, docFiles, docOutputs } from './support/doc-blocks.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages/splitsim/bin/splitsim.js');

function splitsim(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Writes a page's files into a fresh folder inside the checkout (so `splitsim` resolves to it). */
function project(page: string): { dir: string; md: string } {
  const md = readFileSync(join(root, page), 'utf8');
  const dir = mkdtempSync(join(root, '.docs-test-'));
  for (const f of docFiles(md)) writeFileSync(join(dir, f.name), f.code);
  return { dir, md };
}

/** What makes two runs' results differ: the config and its parameters, seed and end, not the instantiation, placement or outputs. */
function resultKey(args: string[]): string {
  const out: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (['--inst', '--placement', '--out', '--profile'].includes(args[i]!)) i++;
    else if (!['--json', '--quiet', '-q'].includes(args[i]!)) out.push(args[i]!);
  }
  return out.join(' ');
}

/**
 * Runs every command of a page (the page's own files in their folder, the checkout's configs
 * from the checkout), each into its own run directory; runs with the same results key must
 * give identical metrics. Lines with placeholders (`runs/<dir>`) are left out.
 */
async function runPage(page: string): Promise<void> {
  const { dir, md } = project(page);
  try {
    const commands = docCommands(md).filter((c) => !c.args.some((a) => a.includes('<')));
    assert.ok(commands.length > 0, `${page} shows commands`);
    const own = new Set(docFiles(md).map((f) => f.name));
    const results = await Promise.all(
      commands.map((c, i) => splitsim(own.has(c.args[1] ?? '') ? dir : root, c.args[0] === 'run' ? [...c.args, '--out', join(dir, `runs/${i}`)] : c.args)),
    );
    const metricsOf = new Map<string, string[]>();
    commands.forEach((c, i) => {
      const r = results[i]!;
      assert.equal(r.code, 0, `${page}: npx splitsim ${c.args.join(' ')}\n${r.stderr}`);
      if (c.expect) assert.ok(r.stdout.includes(c.expect), `${page}: npx splitsim ${c.args.join(' ')} should print "${c.expect}"\n${r.stdout}`);
      if (c.args[0] === 'run' && !c.args.includes('--replications')) {
        const key = resultKey(c.args);
        const list = metricsOf.get(key) ?? [];
        list.push(readFileSync(join(dir, `runs/${i}/metrics.json`), 'utf8'));
        metricsOf.set(key, list);
      }
    });
    for (const [key, all] of metricsOf) for (const m of all) assert.equal(m, all[0], `${page}: every run of ${key} writes the same metrics.json`);
    for (const o of docOutputs(md)) {
      const r = await splitsim(dir, [...o.args, '--out', 'runs/output']);
      assert.equal(r.code, 0, r.stderr);
      for (const line of o.lines) assert.ok(r.stdout.includes(line), `${page}: npx splitsim ${o.args.join(' ')} should print "${line}"\n${r.stdout}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('README: its configs run as printed, and the smallest network config is at most 25 lines with one import', async () => {
  const md = readFileSync(join(root, 'README.md'), 'utf8');
  const small = docFiles(md).find((f) => f.name === 'two-hosts.ts')!;
  const lines = small.code.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length <= 25, `two-hosts.ts has ${lines.length} non-blank lines`);
  assert.equal(lines.filter((l) => l.startsWith('import ')).length, 1);
  await runPage('README.md');
});

test('docs/writing-models.md: the tutorial’s kind, model, application and config run as printed, in one instance, threads and processes', async () => {
  await runPage('docs/writing-models.md');
});

test('docs/kernel.md: its model is a valid model module', async () => {
  const { dir, md } = project('docs/kernel.md');
  try {
    const files = docFiles(md);
    assert.ok(files.length > 0);
    for (const f of files) {
      const exports = (await import(pathToFileURL(join(dir, f.name)).href)) as Record<string, unknown>;
      const { catalog, problems } = catalogOf([{ ref: { specifier: `./${f.name}` }, exports }]);
      assert.deepEqual(problems, [], f.name);
      assert.ok(catalog.models.size > 0, `${f.name} exports a model`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
