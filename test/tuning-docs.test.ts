// The example of docs/tuning.md, run as written (runs/ in a temporary directory): profile, rebalance,
// run the partition file, plan with it, tune. The rebalanced run must give the metrics of the
// profiled one byte for byte, and every tune trial the start's. The page's samples of what
// rebalance and tune print (timed runs: their figures differ every time) must have the form of
// what they print here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markedBlocks } from './support/doc-blocks.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-tuning-docs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** docs/tuning.md's blocks marked `<!-- test: tuning-docs -->`: the example's commands, then what rebalance and tune print. */
function example(): { commands: string[][]; rebalance: string; tune: string } {
  const blocks = markedBlocks(readFileSync(join(root, 'docs', 'tuning.md'), 'utf8'), 'tuning-docs');
  assert.deepEqual(blocks.map((b) => b.lang), ['sh', '', ''], 'docs/tuning.md marks its example and the two outputs');
  const commands = blocks[0]!.body
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map((w) => w.replace(/^runs\//, `${scratch}/`)));
  return { commands, rebalance: blocks[1]!.body, tune: blocks[2]!.body };
}

/** The lines of rebalance's output that every proposal has, by their first words, in order. */
function rebalanceForm(text: string): string[] {
  const labels = ['measured ', 'proposed: ', 'cut messages: ', 'predicted by instance count: ', 'wrote ', 'run it: '];
  return text.split('\n').flatMap((l) => labels.filter((x) => l.trim().startsWith(x)));
}

const REBALANCE = /^rebalance \S+: \d+ instance\(s\), predicted [\d.]+ \S+\/s$/;
const TUNE = /^tune: \d+ candidate\(s\) in \d+ s; predicted and measured in simulated time per wall second/;
const BEST = /^best: \S+ \(t\d+\), [\d.]+ \S+\/s; partition file \S+best-partition\.json$/m;
const columns = (text: string) => text.split('\n')[1]!.trim().split(/\s{2,}/);

test('the example of docs/tuning.md runs as written', () => {
  const { commands, rebalance, tune } = example();
  assert.deepEqual(commands.map((c) => c.slice(0, 2).join(' ')), ['splitsim run', 'splitsim rebalance', 'splitsim run', 'splitsim plan', 'splitsim tune']);
  const outputs: string[] = [];
  for (const [cmd, ...args] of commands) {
    assert.equal(cmd, 'splitsim');
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${args.join(' ')}\n${r.stderr}`);
    outputs.push(r.stdout);
  }
  for (const text of [outputs[1]!, rebalance]) assert.match(text.split('\n')[0]!, REBALANCE);
  assert.deepEqual(rebalanceForm(rebalance), rebalanceForm(outputs[1]!), 'the page shows the lines rebalance prints');
  assert.match(outputs[1]!, /wrote .*partition\.json/);
  const metrics = (dir: string) => readFileSync(join(scratch, dir, 'metrics.json'), 'utf8');
  assert.equal(metrics('u4-rebalanced'), metrics('u4'), 'the partition changes speed, never results');
  assert.match(outputs[3]!, /^phold\/linear1: 64 components in \d+ instance/);
  for (const text of [outputs[4]!, tune]) {
    assert.match(text, TUNE);
    assert.match(text, BEST);
  }
  assert.deepEqual(columns(tune), columns(outputs[4]!), 'the page shows the columns of tune’s table');
  for (const f of ['tune.json', 'best-partition.json']) assert.ok(existsSync(join(scratch, 'tune-u4', f)), f);
  const table = JSON.parse(readFileSync(join(scratch, 'tune-u4', 'tune.json'), 'utf8')) as { rows: Array<{ sameMetrics: boolean | null }> };
  assert.ok(table.rows.length >= 1);
  assert.ok(table.rows.every((r) => r.sameMetrics !== false), 'every trial gives the start\'s metrics');
});
