/**
 * The fenced blocks of the docs (README.md and docs/*.md), and what the tests do with each: docs
 * are tests. Every block is one of these (test/docs-inventory.test.ts fails on any other):
 *
 * - a **file** (`title="name"`): written into the page's project folder; TypeScript files are
 *   type-checked, and run by the page's commands that name them, or else imported and checked
 *   by what they export (a config is planned, a system instantiated, a model module catalogued);
 * - **commands** (an `sh` block of `npx splitsim …` or `splitsim …` lines): run in the page's
 *   project folder; each must exit 0 and print what its `# → …` comment promises;
 * - a **transcript** (a `console` block): each `$ splitsim …` line is run, and what it prints
 *   (stdout, then stderr) must be the lines below it, exactly;
 * - an **output** (`output="npx splitsim …"`): the command prints these lines, among others;
 * - an **excerpt** (`from="path"`): code of that file of the checkout, `…` for what is left out;
 *   its pieces must be in the file in order (comments and white space aside);
 * - a **declaration** (`declares="Name"`): a type that must be splitsim's exported type `Name`,
 *   both ways assignable (the type check says so);
 * - a **sample** (`check="name"`): data that a named checker of test/docs.test.ts hands to the
 *   tool's own parser or writer (a profile log line, a partition file, a progress line …);
 * - **run by a named test** (`<!-- test: name -->` on the line before): test/<name>.test.ts
 *   finds it with markedBlocks() and runs it;
 * - **not run** (`<!-- not run: why -->` on the line before): a diagram, a grammar, pseudo-code,
 *   or a command that needs what a test machine has not (a container engine, ten minutes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface DocBlock {
  /** The page, relative to the checkout: `README.md`, `docs/kernel.md`. */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word: `ts`, `sh`, `json`, `console`, or empty. */
  lang: string;
  /** `key="value"` pairs of the info string. */
  attrs: Record<string, string>;
  body: string;
  /** The `<!-- not run: … -->` or `<!-- test: … -->` comment on the line before the fence. */
  marker?: { kind: 'not run' | 'test'; text: string };
}

export type Handling =
  | { how: 'file'; name: string }
  | { how: 'commands'; commands: DocCommand[] }
  | { how: 'transcript'; steps: Array<{ args: string[]; output: string }> }
  | { how: 'output'; args: string[]; lines: string[] }
  | { how: 'excerpt'; from: string }
  | { how: 'declaration'; type: string }
  | { how: 'sample'; checker: string }
  | { how: 'test'; test: string }
  | { how: 'not run'; why: string }
  | { how: 'unhandled'; why: string };

export interface DocFile {
  name: string;
  code: string;
}

export interface DocCommand {
  /** Arguments after `splitsim`. */
  args: string[];
  /** A line the command's output must contain. */
  expect?: string;
  /** Where it stands in the page. */
  line?: number;
}

/** The pages whose blocks are tests: README.md and every docs/*.md. */
export function docPages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function readPage(page: string): string {
  return readFileSync(join(ROOT, page), 'utf8');
}

const OPEN = /^( {0,3})(`{3,})([^`\n]*)$/;
const MARKER = /^<!--\s*(not run|test):\s*(.*?)\s*-->$/;

/** Every fenced block of a page's Markdown, with its line, attributes and marker. */
export function docBlocks(md: string, page = ''): DocBlock[] {
  const lines = md.split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence}\\s*$`).test(lines[j]!)) body.push(lines[j++]!.slice(indent.length));
    const [lang = '', ...rest] = info.trim().split(/\s+/);
    const attrs = Object.fromEntries([...rest.join(' ').matchAll(/(\w[\w-]*)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const m = k >= 0 ? MARKER.exec(lines[k]!.trim()) : null;
    const block: DocBlock = { page, line: i + 1, lang, attrs, body: body.length ? `${body.join('\n')}\n` : '' };
    if (m) block.marker = { kind: m[1] as 'not run' | 'test', text: m[2]! };
    out.push(block);
    i = j;
  }
  return out;
}

const COMMAND = /^(?:npx )?splitsim(?:\s+(.*))?$/;

/** One `splitsim` command line: its arguments, or why it cannot be run as a test runs it. */
function parseCommand(text: string): { args: string[] } | { why: string } {
  const m = COMMAND.exec(text.trim());
  if (!m) return { why: `not a splitsim command: ${text.trim()}` };
  const rest = m[1] ?? '';
  if (/[|&;<>$`'"\\]/.test(rest)) return { why: `shell syntax or a placeholder in: ${text.trim()}` };
  return { args: rest.split(/\s+/).filter((a) => a !== '') };
}

/** What the tests do with a block; see the top of this file. */
export function handling(b: DocBlock): Handling {
  if (b.marker?.kind === 'not run') return b.marker.text ? { how: 'not run', why: b.marker.text } : { how: 'unhandled', why: '<!-- not run: … --> without a reason' };
  if (b.marker?.kind === 'test') return { how: 'test', test: b.marker.text };
  const { title, output, from, declares, check } = b.attrs;
  const given = [title, output, from, declares, check].filter((a) => a !== undefined);
  if (given.length > 1) return { how: 'unhandled', why: 'more than one of title, output, from, declares, check' };
  if (title !== undefined) return { how: 'file', name: title };
  if (from !== undefined) return { how: 'excerpt', from };
  if (declares !== undefined) return { how: 'declaration', type: declares };
  if (check !== undefined) return { how: 'sample', checker: check };
  if (output !== undefined) {
    const c = parseCommand(output);
    if ('why' in c) return { how: 'unhandled', why: c.why };
    return { how: 'output', args: c.args, lines: b.body.split('\n').filter((l) => l.trim() !== '') };
  }
  if (b.lang === 'sh') {
    const commands: DocCommand[] = [];
    const lines = b.body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      if (text.trim() === '' || text.trim().startsWith('#')) continue;
      const [command, comment] = text.split(/\s+#\s*/, 2) as [string, string | undefined];
      const c = parseCommand(command);
      if ('why' in c) return { how: 'unhandled', why: `line ${b.line + 1 + i}: ${c.why}` };
      const cmd: DocCommand = { args: c.args, line: b.line + 1 + i };
      if (comment?.startsWith('→ ')) cmd.expect = comment.slice(2);
      commands.push(cmd);
    }
    return commands.length ? { how: 'commands', commands } : { how: 'unhandled', why: 'an sh block without a command' };
  }
  if (b.lang === 'console') {
    const steps: Array<{ args: string[]; output: string }> = [];
    for (const text of b.body.split('\n')) {
      if (text.startsWith('$ ')) {
        const c = parseCommand(text.slice(2));
        if ('why' in c) return { how: 'unhandled', why: c.why };
        steps.push({ args: c.args, output: '' });
      } else if (steps.length === 0) return { how: 'unhandled', why: 'a console block must start with a `$ splitsim …` line' };
      else steps.at(-1)!.output += `${text}\n`;
    }
    for (const s of steps) s.output = s.output.trimEnd();
    return { how: 'transcript', steps };
  }
  return { how: 'unhandled', why: 'neither run by a test nor marked <!-- not run: why -->' };
}

/** A page's blocks with what the tests do with each. */
export function pageBlocks(page: string): Array<DocBlock & { handling: Handling }> {
  return docBlocks(readPage(page), page).map((b) => ({ ...b, handling: handling(b) }));
}

/** The files of a page's Markdown (`title="name"` blocks). */
export function docFiles(md: string): DocFile[] {
  return docBlocks(md).flatMap((b) => {
    const h = handling(b);
    return h.how === 'file' ? [{ name: h.name, code: b.body }] : [];
  });
}

/** The blocks a named test runs: those marked `<!-- test: name -->`. */
export function markedBlocks(md: string, test: string): DocBlock[] {
  return docBlocks(md).filter((b) => b.marker?.kind === 'test' && b.marker.text === test);
}

/** Code without comments, white space and trailing commas, for comparing an excerpt with its file. */
export function codeSkeleton(code: string): string {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
    .replace(/\s+/g, '')
    .replace(/,(?=[}\])])/g, '');
}

/** The pieces of an excerpt (split at `…`) that its file lacks, in order; empty when it is one. */
export function excerptMisses(excerpt: string, file: string): string[] {
  const whole = codeSkeleton(file);
  const pieces = codeSkeleton(excerpt.replace(/\/\*\s*…\s*\*\//g, '…').replace(/\/\/\s*….*$/gm, '…'))
    .split('…')
    .filter((p) => p !== '');
  const misses: string[] = [];
  let at = 0;
  for (const p of pieces) {
    const found = whole.indexOf(p, at);
    if (found < 0) misses.push(p);
    else at = found + p.length;
  }
  return misses;
}
