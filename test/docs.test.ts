/**
 * Docs are tests: the blocks of README.md and every docs/*.md that test/support/doc-blocks.ts
 * calls files, commands, transcripts, outputs, excerpts, declarations and samples, run as
 * printed, page by page (a block added to any page is run without touching this file).
 *
 * Each page gets a project folder inside the checkout (so `splitsim` resolves to it) holding
 * its files, with the checkout's `configs`, `test` and `adapters` linked in. Its commands run
 * there through a pool of helper processes (cli-pool.ts): a command that reads what an earlier
 * one wrote (`profile runs/u4` after `--out runs/u4`) runs after it on the same helper, the
 * rest side by side. Each must succeed and print what the page promises; runs of one config
 * that differ only in instantiation, placement or outputs must write the same metrics.json.
 * Every TypeScript file and declaration of every page is type-checked in one `tsc` run.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogOf, instantiate } from '@splitsim/instantiation';
import { System } from '@splitsim/system';
import { noPython } from './support/adapters.ts';
import { CliPool, type PoolCase } from './support/cli-pool.ts';
import type { CliResult } from './support/cli-inprocess.ts';
import { docPages, excerptMisses, pageBlocks, ROOT, type DocBlock, type Handling } from './support/doc-blocks.ts';
import { checkers, type CheckContext } from './support/doc-checks.ts';

type Block = DocBlock & { handling: Handling };
interface Project {
  page: string;
  dir: string;
  blocks: Block[];
  files: Map<string, Block>;
}

const pool = new CliPool();
// DOCS_PAGES=README.md,docs/kernel.md runs only those pages (while editing them).
const only = process.env.DOCS_PAGES?.split(',');
const projects: Project[] = docPages().filter((p) => !only || only.includes(p)).map(project);
after(() => {
  pool.close();
  for (const p of projects) rmSync(p.dir, { recursive: true, force: true });
});

/** The page's folder: its files, and the checkout's configs, test fixtures and adapters. */
function project(page: string): Project {
  const dir = mkdtempSync(join(ROOT, `.docs-test-${page.replace(/\W+/g, '-')}-`));
  for (const d of ['configs', 'test', 'adapters']) symlinkSync(join(ROOT, d), join(dir, d));
  const blocks = pageBlocks(page);
  const files = new Map<string, Block>();
  for (const b of blocks) {
    if (b.handling.how !== 'file') continue;
    assert.ok(!files.has(b.handling.name), `${page}:${b.line}: a second file ${b.handling.name}`);
    files.set(b.handling.name, b);
    writeFileSync(join(dir, b.handling.name), b.body);
  }
  return { page, dir, blocks, files };
}

const where = (p: Project, b: { line?: number }) => `${p.page}:${b.line ?? '?'}`;
const show = (args: string[]) => `splitsim ${args.join(' ')}`;

/** The run directory a command writes (its --out), if any. */
function outOf(args: string[]): string | undefined {
  const i = args.indexOf('--out');
  return i >= 0 ? args[i + 1] : undefined;
}

/** What makes two runs' results differ: the config, its parameters, seed and end; not the instantiation, placement or outputs. */
function resultKey(args: string[]): string {
  const out: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (['--inst', '--placement', '--out', '--profile'].includes(args[i]!)) i++;
    else if (!['--json', '--quiet', '-q'].includes(args[i]!)) out.push(args[i]!);
  }
  return out.join(' ');
}

interface Step {
  args: string[];
  /** What it must have done; an output block adds its own to the command it shows. */
  checks: Array<(r: CliResult) => void>;
}

/** The page's commands, transcripts and outputs as steps to run; and where each run writes its metrics. */
function pageSteps(p: Project): { steps: Step[]; metricsOf: Map<string, Array<{ file: string; line: number }>> } {
  const steps: Step[] = [];
  const byArgs = new Map<string, Step>();
  const metricsOf = new Map<string, Array<{ file: string; line: number }>>();
  const add = (shown: string[], check: (r: CliResult) => void): void => {
    const known = byArgs.get(shown.join(' '));
    if (known) return void known.checks.push(check);
    // A run writes into a folder of its own, the one it names or runs/doc-<n>.
    const args = shown[0] === 'run' && outOf(shown) === undefined ? [...shown, '--out', `runs/doc-${steps.length}`] : shown;
    const step = { args, checks: [check] };
    steps.push(step);
    byArgs.set(shown.join(' '), step);
  };
  for (const b of p.blocks) {
    const h = b.handling;
    if (h.how === 'commands') {
      for (const c of h.commands) {
        add(c.args, (r) => {
          assert.equal(r.status, 0, `${where(p, c)}: ${show(c.args)}\n${r.stderr}`);
          if (c.expect) assert.ok(r.stdout.includes(c.expect), `${where(p, c)}: ${show(c.args)} should print "${c.expect}"\n${r.stdout}`);
        });
        const args = byArgs.get(c.args.join(' '))!.args;
        if (args[0] === 'run' && !args.includes('--replications')) {
          const key = resultKey(args);
          metricsOf.set(key, [...(metricsOf.get(key) ?? []), { file: join(p.dir, outOf(args)!, 'metrics.json'), line: c.line! }]);
        }
      }
    } else if (h.how === 'transcript') {
      h.steps.forEach((s, k) => add(s.args, (r) => assert.equal(`${r.stdout}${r.stderr}`.trimEnd(), s.output, `${where(p, b)}: $ ${show(s.args)} (step ${k + 1}) prints what the page shows`)));
    }
  }
  for (const b of p.blocks) {
    const h = b.handling;
    if (h.how !== 'output') continue;
    add(h.args, (r) => {
      assert.equal(r.status, 0, `${where(p, b)}: ${show(h.args)}\n${r.stderr}`);
      for (const line of h.lines) assert.ok(r.stdout.includes(line), `${where(p, b)}: ${show(h.args)} should print "${line}"\n${r.stdout}`);
    });
  }
  return { steps, metricsOf };
}

/**
 * Runs steps in the page's folder: one that names what an earlier one wrote (its --out, or a
 * file under it) joins that one's sequence; sequences run side by side.
 */
async function runSteps(p: Project, steps: Step[]): Promise<CliResult[]> {
  const group = steps.map((_, i) => i);
  const find = (i: number): number => (group[i] === i ? i : (group[i] = find(group[i]!)));
  steps.forEach((s, j) => {
    for (let i = 0; i < j; i++) {
      const out = outOf(steps[i]!.args);
      if (out !== undefined && s.args.some((a) => a === out || a.startsWith(`${out}/`))) group[find(j)] = find(i);
    }
  });
  const sequences = new Map<number, number[]>();
  steps.forEach((_, i) => sequences.set(find(i), [...(sequences.get(find(i)) ?? []), i]));
  const results: CliResult[] = [];
  await Promise.all(
    [...sequences.values()].map(async (seq) => {
      const cases: PoolCase[] = seq.map((i) => ({ args: steps[i]!.args, cwd: p.dir }));
      (await pool.sequence(cases)).forEach((r, k) => (results[seq[k]!] = r));
    }),
  );
  return results;
}

/** Imports a TypeScript file no command names and checks what it exports; a config's instantiations come back, to be planned. */
async function checkModule(p: Project, name: string): Promise<string[]> {
  const exports = (await import(pathToFileURL(join(p.dir, name)).href)) as Record<string, unknown>;
  const d = exports.default as { system?: unknown; instantiations?: Record<string, unknown> } | undefined;
  if (d && typeof d === 'object' && 'system' in d && d.instantiations) return Object.keys(d.instantiations);
  if (d instanceof System) {
    instantiate(d, {}, { config: name, instantiation: 'doc', seed: 1 });
    return [];
  }
  // A module that exports nothing ran for its effect when it was imported.
  if (Object.keys(exports).length === 0) return [];
  const { problems } = catalogOf([{ ref: { specifier: `./${name}` }, exports }]);
  assert.deepEqual(problems, [], `${where(p, p.files.get(name)!)} (${name}): exports neither a config nor a system, so it must be a model module`);
  return [];
}

/** Starts the checkers of the page's samples; a failure is reported when the page's test awaits it. */
function startSamples(p: Project): Array<Promise<void>> {
  const ctx: CheckContext = { page: p.page, dir: p.dir, blocks: p.blocks, run: (args) => pool.run(args, p.dir) };
  return p.blocks.flatMap((b) => {
    if (b.handling.how !== 'sample') return [];
    const name = b.handling.checker;
    const checker = checkers[name];
    const checked = checker ? checker(b, ctx).catch((e: Error) => assert.fail(`${where(p, b)}: check="${name}": ${e.message}`)) : Promise.reject(new Error(`${where(p, b)}: no checker "${name}"`));
    checked.catch(() => {});
    return [checked];
  });
}

async function runPage(p: Project): Promise<void> {
  const samples = startSamples(p);
  try {
    for (const b of p.blocks) {
      if (b.handling.how !== 'excerpt') continue;
      const misses = excerptMisses(b.body, readFileSync(join(ROOT, b.handling.from), 'utf8'));
      assert.deepEqual(misses, [], `${where(p, b)}: the excerpt is not in ${b.handling.from} (pieces without comments and white space)`);
    }
    const { steps, metricsOf } = pageSteps(p);
    const named = new Set(steps.flatMap((s) => s.args));
    for (const [name, b] of p.files) {
      if (!name.endsWith('.ts') || named.has(name)) continue;
      for (const inst of await checkModule(p, name)) steps.push({ args: ['plan', name, '--inst', inst], checks: [(r) => assert.equal(r.status, 0, `${where(p, b)}: splitsim plan ${name} --inst ${inst}\n${r.stderr}`)] });
    }
    const results = await runSteps(p, steps);
    steps.forEach((s, i) => s.checks.forEach((check) => check(results[i]!)));
    for (const [key, runs] of metricsOf) {
      const first = readFileSync(runs[0]!.file, 'utf8');
      for (const r of runs.slice(1)) assert.equal(readFileSync(r.file, 'utf8'), first, `${p.page}:${r.line}: every run of ${key} writes the same metrics.json`);
    }
  } finally {
    await Promise.allSettled(samples);
  }
  await Promise.all(samples);
}

/** Every page's TypeScript files, and each declaration checked both ways against splitsim's type of its name, in one tsc run. */
function typeCheck(): Promise<void> {
  const dir = mkdtempSync(join(ROOT, '.docs-test-tsc-'));
  const files: string[] = [];
  const origin = new Map<string, string>();
  for (const p of projects) {
    for (const [name, b] of p.files) if (name.endsWith('.ts')) files.push(join(p.dir, name)), origin.set(join(p.dir, name), where(p, b));
    for (const b of p.blocks) {
      if (b.handling.how !== 'declaration') continue;
      const type = b.handling.type;
      const file = join(dir, `${p.page.replace(/\W+/g, '-')}-${b.line}.ts`);
      // The types it names (capitalised, outside comments) come from splitsim, as the page's prose says.
      const code = b.body.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      const imports = [...new Set(code.match(/\b[A-Z]\w*\b/g) ?? [])].filter((t) => t !== type);
      writeFileSync(
        file,
        `import type { ${[...imports, `${type} as Real`].join(', ')} } from 'splitsim';\n${b.body}` +
          `type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;\nexport const same: Same<${type}, Real> = true;\n`,
      );
      files.push(file);
      origin.set(file, where(p, b));
    }
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, noUnusedLocals: false }, files, include: [] }));
  return new Promise((resolve, reject) => {
    const tsc = spawn(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    tsc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    tsc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    tsc.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code === 0) resolve();
      else reject(new Error(out.replace(/^(\S+\.ts)\((\d+),\d+\)/gm, (m, f: string, l: string) => `${origin.get(join(ROOT, f)) ?? f} +${Number(l) - 1}: ${m}`)));
    });
  });
}

/** What a page needs that a machine may lack: the reason to skip it there. */
const needs: Record<string, string | false> = { 'docs/external-protocol.md': noPython };

// Everything starts at once: pages, their commands and the type check share the pool and the cores.
const typed = typeCheck();
const runs = new Map(projects.filter((p) => !needs[p.page]).map((p) => [p.page, runPage(p)]));
for (const r of [typed, ...runs.values()]) r.catch(() => {});

for (const p of projects) {
  const runnable = p.blocks.filter((b) => !['not run', 'test', 'unhandled'].includes(b.handling.how));
  if (runnable.length === 0) continue;
  const kinds = [...new Set(runnable.map((b) => b.handling.how))].join(', ');
  test(`${p.page}: ${runnable.length} block(s) run as printed (${kinds})`, { skip: needs[p.page] ?? false }, () => runs.get(p.page)!);
}

test('every TypeScript file of the docs type-checks, and each declaration is splitsim’s own type', () => typed);

test('README: the smallest network config is at most 25 lines with one import', { skip: !projects.some((p) => p.page === 'README.md') }, () => {
  const small = projects.find((p) => p.page === 'README.md')!.files.get('two-hosts.ts')!;
  const lines = small.body.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length <= 25, `two-hosts.ts has ${lines.length} non-blank lines`);
  assert.equal(lines.filter((l) => l.startsWith('import ')).length, 1);
});
