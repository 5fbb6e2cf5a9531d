/**
 * docs/distributed.md runs as printed: each of its blocks marked `<!-- test: docs-distributed -->`
 * (starting runners in the background, a run on them, the same plan on one machine, `cmp`; sweep
 * shards and their merge) is run by bash in a fresh folder inside the checkout, where `configs`
 * is the checkout's, and must exit 0 and print what each `# → …` comment promises. Its bash
 * blocks (docker, kubectl) need an engine or a cluster and are marked not run; they must hold
 * no `npx splitsim` line, so nothing runnable hides there. Whatever a block left running is
 * ended with its process group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { docBlocks, markedBlocks } from './support/doc-blocks.ts';
import { ROOT } from './support/runners.ts';

const md = readFileSync(join(ROOT, 'docs/distributed.md'), 'utf8');

function bash(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => process.kill(-c.pid!, 'SIGKILL'), 180_000);
    c.once('exit', (code) => {
      clearTimeout(timer);
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {
        // the group is gone: nothing was left running
      }
      resolve({ code, stdout, stderr });
    });
  });
}

test('docs/distributed.md: its blocks marked test: docs-distributed run as printed; those not run hold no splitsim command', async () => {
  const sh = markedBlocks(md, 'docs-distributed');
  assert.ok(sh.length >= 2, 'the page shows runnable blocks');
  for (const b of docBlocks(md).filter((x) => x.marker?.kind === 'not run')) assert.doesNotMatch(b.body, /^npx splitsim /m, 'a runnable command in a block not run');
  const dir = mkdtempSync(join(ROOT, '.docs-test-'));
  symlinkSync(join(ROOT, 'configs'), join(dir, 'configs'));
  try {
    for (const b of sh) {
      const r = await bash(b.body, dir);
      assert.equal(r.code, 0, `docs/distributed.md block:\n${b.body}\nstderr: ${r.stderr}`);
      for (const m of b.body.matchAll(/#\s*→\s*(.+)$/gm)) assert.ok(r.stdout.includes(m[1]!.trim()), `should print "${m[1]!.trim()}"\n${r.stdout}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
