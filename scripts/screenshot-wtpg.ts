/**
 * Renders a run's wtpg.html in headless Chromium and saves a screenshot (the pictures in README.md
 * and docs/profiler.md); with --hover, the pointer rests on the bottleneck and its figures show:
 *   node --import tsx scripts/screenshot-wtpg.ts [run-dir] [--out docs/img/wtpg.png] [--size 1600x1000] [--hover]
 * Without a run directory it uses a copy of test/fixtures/profile-dc36 (36 instances). The run
 * directory is profiled first, so its wtpg.* files are (re)written.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { profileRun } from '@splitsim/profiler';
import { BOTTLENECK_CENTRE, openPage } from '../test/profiler-browser.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'docs/img/wtpg.png' }, size: { type: 'string', default: '1600x1000' }, hover: { type: 'boolean', default: false } } });
const [width, height] = values.size!.split('x').map(Number) as [number, number];
let dir = positionals[0];
let scratch: string | undefined;
if (!dir) {
  scratch = mkdtempSync(join(tmpdir(), 'splitsim-wtpg-'));
  dir = join(scratch, 'profile-dc36');
  cpSync(new URL('../test/fixtures/profile-dc36', import.meta.url).pathname, dir, { recursive: true });
}
const summary = await profileRun(dir);
const page = await openPage(join(dir, 'wtpg.html'), { width, height });
try {
  if (values.hover) {
    const centre = await page.evaluate<{ x: number; y: number } | null>(BOTTLENECK_CENTRE);
    if (centre) await page.mouseMove(centre.x, centre.y);
    // Wait until the page has drawn the tooltip before taking the picture.
    for (let look = 0; look < 100; look++) {
      if (await page.evaluate<boolean>(`getComputedStyle(document.getElementById('tip')).display !== 'none'`)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, await page.screenshot());
} finally {
  await page.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(`${values.out}: wtpg.html of ${positionals[0] ?? 'test/fixtures/profile-dc36'} (bottleneck: ${summary.bottlenecks.join(', ') || 'none'}) at ${width}×${height}\n`);
