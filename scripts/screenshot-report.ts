/**
 * Renders a report.html in headless Chromium and saves a screenshot (the pictures in README.md and
 * docs/reports.md); the pointer rests on the first chart so its legend shows values:
 *   node --import tsx scripts/screenshot-report.ts <report.html> [--out docs/img/report.png] [--size 1400x1000] [--full] [--hover N]
 * `--full` takes the whole page rather than the first screen; `--hover N` hovers chart N (0-based).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openPage } from '../test/profiler-browser.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', default: 'docs/img/report.png' }, size: { type: 'string', default: '1400x1000' }, full: { type: 'boolean', default: false }, hover: { type: 'string', default: '0' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: screenshot-report.ts <report.html> [--out file.png] [--size WxH] [--full] [--hover N]');
const [width, viewHeight] = values.size!.split('x').map(Number) as [number, number];
let height = viewHeight;
if (values.full) {
  // The whole page in one viewport, so that the hovered chart keeps its values in the picture.
  const probe = await openPage(resolve(file), { width, height });
  height = await probe.evaluate<number>('document.documentElement.scrollHeight');
  await probe.close();
}
const page = await openPage(resolve(file), { width, height });
try {
  const at = await page.evaluate<{ x: number; y: number } | null>(`(() => {
    const over = document.querySelectorAll('.u-over')[${Number(values.hover)}];
    if (!over) return null;
    over.scrollIntoView({ block: 'center' });
    const r = over.getBoundingClientRect();
    return { x: r.x + r.width * 0.62, y: r.y + r.height * 0.5 };
  })()`);
  if (at) {
    await page.mouseMove(at.x, at.y);
    await new Promise((r) => setTimeout(r, 200));
  }
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, await page.screenshot());
} finally {
  await page.close();
}
process.stdout.write(`${values.out}: ${file} at ${width}×${height}${values.full ? ' (whole page)' : ''}\n`);
