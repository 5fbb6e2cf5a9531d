// The example of docs/tuning.md, run as written (runs/ in a temporary directory): profile, rebalance,
// run the partition file, plan with it, tune. The rebalanced run must give the metrics of the
// profiled one byte for byte, and every tune trial the start's.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-tuning-docs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The commands of the block marked `<!-- test: tuning-docs -->`, with runs/ moved to the scratch directory. */
function exampleCommands(): string[][] {
  const text = readFileSync(join(root, 'docs', 'tuning.md'), 'utf8');
  const at = text.indexOf('<!-- test: tuning-docs -->');
  assert.ok(at >= 0, 'docs/tuning.md marks its example');
  const block = text.slice(text.indexOf('```sh', at) + 5, text.indexOf('```', text.indexOf('```sh', at) + 5));
  return block
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map((w) => w.replace(/^runs\//, `${scratch}/`)));
}

test('the example of docs/tuning.md runs as written', () => {
  const commands = exampleCommands();
  assert.deepEqual(commands.map((c) => c.slice(0, 2).join(' ')), ['splitsim run', 'splitsim rebalance', 'splitsim run', 'splitsim plan', 'splitsim tune']);
  const outputs: string[] = [];
  for (const [cmd, ...args] of commands) {
    assert.equal(cmd, 'splitsim');
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${args.join(' ')}\n${r.stderr}`);
    outputs.push(r.stdout);
  }
  assert.match(outputs[1]!, /^rebalance .*: \d+ instance\(s\), predicted /);
  assert.match(outputs[1]!, /wrote .*partition\.json/);
  const metrics = (dir: string) => readFileSync(join(scratch, dir, 'metrics.json'), 'utf8');
  assert.equal(metrics('u4-rebalanced'), metrics('u4'), 'the partition changes speed, never results');
  assert.match(outputs[3]!, /^phold\/linear1: 64 components in \d+ instance/);
  assert.match(outputs[4]!, /^tune: \d+ candidate\(s\)/);
  for (const f of ['tune.json', 'best-partition.json']) assert.ok(existsSync(join(scratch, 'tune-u4', f)), f);
  const table = JSON.parse(readFileSync(join(scratch, 'tune-u4', 'tune.json'), 'utf8')) as { rows: Array<{ sameMetrics: boolean | null }> };
  assert.ok(table.rows.length >= 1);
  assert.ok(table.rows.every((r) => r.sameMetrics !== false), 'every trial gives the start\'s metrics');
});
