// wtpg.html in a real browser (Debian's headless Chromium; .ci/run installs it): with 36
// instances the bottleneck is named at the top, listed first, drawn red, its labels are readable
// at 1600×1000, and hovering it shows its figures. Skipped only where no chromium is installed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileRun } from '@splitsim/profiler';
import { BOTTLENECK_CENTRE, findChromium, openPage } from './profiler-browser.ts';

// Every temporary directory of this file lives under one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-profiler-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const chromium = findChromium();

test('wtpg.html of a 36-instance run: the bottleneck is found at a glance and hover shows its figures', { skip: chromium ? false : 'no chromium installed (apt-get install -y chromium)' }, async () => {
  const dir = join(mkdtempSync(join(scratch, 'splitsim-wtpg-html-')), 'run');
  cpSync(new URL('./fixtures/profile-dc36', import.meta.url).pathname, dir, { recursive: true });
  const summary = await profileRun(dir);
  assert.deepEqual(summary.bottlenecks, ['ab3.r2']);

  const page = await openPage(join(dir, 'wtpg.html'), { width: 1600, height: 1000 });
  try {
    const verdict = await page.evaluate<string>(`document.querySelector('.verdict').textContent`);
    assert.match(verdict, /^Bottleneck: ab3\.r2 waits only/);
    const first = await page.evaluate<string>(`document.querySelector('tbody tr').cells[0].textContent.trim()`);
    assert.equal(first, 'ab3.r2', 'the instance table starts with the bottleneck');

    const centre = await page.evaluate<{ name: string; x: number; y: number } | null>(BOTTLENECK_CENTRE);
    assert.ok(centre, 'the bottleneck has a node in the drawing');
    assert.ok(centre.x > 0 && centre.x < 1600 && centre.y > 0 && centre.y < 1000, `node on screen at ${centre.x},${centre.y}`);

    // Drawn red: the node's shape is filled with more red than green.
    const fill = await page.evaluate<string>(`document.querySelector('tr.bottleneck') && document.getElementById(document.querySelector('tr.bottleneck').dataset.node).querySelector('path,polygon').getAttribute('fill')`);
    const [r, g] = [parseInt(fill.slice(1, 3), 16), parseInt(fill.slice(3, 5), 16)];
    assert.ok(r > g + 60, `bottleneck fill ${fill} is red`);

    // Readable: the whole graph fits the width, and node names are drawn at 9 px or more.
    const sizes = await page.evaluate<{ svgWidth: number; texts: number; minText: number }>(`(() => {
      const svg = document.querySelector('#graph svg');
      const texts = [...svg.querySelectorAll('g.node text')].map((t) => t.getBoundingClientRect().height);
      return { svgWidth: svg.getBoundingClientRect().width, texts: texts.length, minText: Math.min(...texts) };
    })()`);
    assert.ok(sizes.texts >= 72, `${sizes.texts} node labels: a name and a wait share for each of 36 nodes`);
    assert.ok(sizes.svgWidth <= 1600, `graph ${sizes.svgWidth} px wide`);
    assert.ok(sizes.minText >= 9, `smallest node text ${sizes.minText} px high`);

    await page.mouseMove(centre.x, centre.y);
    // The page handles the pointer event on its own schedule: look again until it has.
    let tip = { shown: false, text: '', lit: 0 };
    for (let look = 0; look < 100 && !tip.shown; look++) {
      if (look > 0) await new Promise((r) => setTimeout(r, 20));
      tip = await page.evaluate<typeof tip>(`({
        shown: getComputedStyle(document.getElementById('tip')).display !== 'none',
        text: document.getElementById('tip').innerText,
        lit: document.querySelectorAll('#graph g.edge.lit').length,
      })`);
    }
    assert.ok(tip.shown, 'hovering the node shows the tooltip');
    assert.match(tip.text, /ab3\.r2 \(bottleneck\)/);
    assert.match(tip.text, /waits \d+(\.\d)? % of its wall time/);
    assert.match(tip.text, /efficiency \d+/);
    assert.equal(tip.lit, 2, 'its pair of edges to ab3 lights up');

    const png = await page.screenshot();
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(png.length > 20_000, `screenshot of ${png.length} bytes is not blank`);
    writeFileSync(join(dir, 'wtpg.png'), png);
  } finally {
    await page.close();
  }
});
