/**
 * Every fenced block of README.md and docs/*.md is either run by a test or marked as not run,
 * and this test names, by page and line, any block that is neither.
 *
 * The conventions (test/support/doc-blocks.ts says the same at more length):
 *
 * - `title="name"` (a file), an `sh` block of `npx splitsim …` lines (commands, `# → text` for
 *   what one prints), a `console` block (`$ splitsim …` and its exact output),
 *   `output="npx splitsim …"` (lines a command prints), `from="path"` (an excerpt of a file of
 *   the checkout, `…` for what is left out), `declares="Name"` (a type that must be splitsim's
 *   `Name`) and `check="name"` (a sample a checker of test/support/doc-checks.ts hands to the
 *   tool's own parser): run by test/docs.test.ts for every page, through the same
 *   classification, handling(), that this test applies; a block added to any page is run there;
 * - `<!-- test: name -->` on the line before the fence: run by test/<name>.test.ts, which
 *   finds it with markedBlocks(page, 'name');
 * - `<!-- not run: why -->` on the line before the fence: not run, for the reason given (a
 *   diagram, a grammar, pseudo-code, a command that needs a container engine or ten minutes).
 *
 * An `sh` block with a line that is not a `splitsim` command (a placeholder like `runs/<dir>`,
 * a pipe, another program) is neither: run it in a named test, or mark it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docPages, pageBlocks, ROOT } from './support/doc-blocks.ts';
import { checkers } from './support/doc-checks.ts';

test('every fenced block of the docs is run by a test or marked <!-- not run: why -->', () => {
  const problems: string[] = [];
  const tally = new Map<string, number>();
  for (const page of docPages()) {
    for (const b of pageBlocks(page)) {
      const h = b.handling;
      const at = `${page}:${b.line}`;
      tally.set(h.how, (tally.get(h.how) ?? 0) + 1);
      if (h.how === 'unhandled') problems.push(`${at}: ${h.why}`);
      else if (h.how === 'sample' && !(h.checker in checkers)) problems.push(`${at}: no checker "${h.checker}" in test/support/doc-checks.ts`);
      else if (h.how === 'excerpt' && !existsSync(join(ROOT, h.from))) problems.push(`${at}: an excerpt of ${h.from}, which does not exist`);
      else if (h.how === 'test') {
        const file = join(ROOT, 'test', `${h.test}.test.ts`);
        const source = existsSync(file) ? readFileSync(file, 'utf8') : '';
        // The named test must find the block the way this one does: by the page and the marker.
        if (!source.includes('markedBlocks(') || !source.includes(page) || !source.includes(`'${h.test}'`)) {
          problems.push(`${at}: marked <!-- test: ${h.test} -->, but test/${h.test}.test.ts does not run ${page}'s blocks marked so (markedBlocks)`);
        }
      }
    }
  }
  assert.ok(problems.length === 0, `blocks that no test runs and that are not marked <!-- not run: why -->:\n${problems.join('\n')}`);
  assert.ok((tally.get('not run') ?? 0) < [...tally.values()].reduce((a, b) => a + b, 0) / 3, `most blocks are run: ${JSON.stringify(Object.fromEntries(tally))}`);
});

test('test/docs.test.ts runs every page through handling(), and each kind of block it claims', () => {
  const source = readFileSync(join(ROOT, 'test', 'docs.test.ts'), 'utf8');
  assert.match(source, /docPages\(\)/, 'it takes its pages from docPages()');
  assert.match(source, /pageBlocks\(page\)/, 'it classifies their blocks with pageBlocks()');
  for (const how of ['file', 'commands', 'transcript', 'output', 'excerpt', 'declaration', 'sample']) {
    assert.match(source, new RegExp(`how [!=]== '${how}'`), `it handles blocks of kind ${how}`);
  }
});

test('a block is classified by its fence and the comment before it', async () => {
  const { docBlocks, handling } = await import('./support/doc-blocks.ts');
  const md = [
    '```sh',
    'npx splitsim run configs/mmc.ts   # → mean wait',
    '```',
    '<!-- not run: a diagram -->',
    '```',
    'a ─► b',
    '```',
    '```sh',
    'npx splitsim profile runs/<dir>',
    '```',
    '```console',
    '$ splitsim plan configs/mmc.ts --list',
    'mmc: …',
    '```',
    '```ts',
    'const x = 1;',
    '```',
  ].join('\n');
  const hs = docBlocks(md, 'x.md').map(handling);
  assert.deepEqual(hs.map((h) => h.how), ['commands', 'not run', 'unhandled', 'transcript', 'unhandled']);
  assert.deepEqual(hs[0], { how: 'commands', commands: [{ args: ['run', 'configs/mmc.ts'], expect: 'mean wait', line: 2 }] });
  assert.deepEqual(hs[3], { how: 'transcript', steps: [{ args: ['plan', 'configs/mmc.ts', '--list'], output: 'mmc: …' }] });
});
