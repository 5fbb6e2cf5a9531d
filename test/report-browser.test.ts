// report.html in a real browser (Debian's headless Chromium; .ci/run installs it), as a person
// opens it: the demo's kind of run (datacenter, partitioned, profiled, recorded, at a small size),
// a probed service-level run (smart routing) and a sweep each render every chart, with both axes
// named with a unit; hovering any chart shows values; and nothing is requested from anywhere but
// the file itself. Skipped only where no chromium is installed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, openPage, type Page } from './profiler-browser.ts';

const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-report-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const chromium = findChromium();
const skip = chromium ? false : 'no chromium installed (apt-get install -y chromium)';

function splitsim(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(root, 'packages/splitsim/bin/splitsim.js'), ...args, '--quiet'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

interface ChartLook {
  id: string;
  x: string;
  y: string;
  canvas: number;
}

/** Opens a report and checks what every report must do; returns the charts' titles for the caller's own checks. */
async function look(file: string, expectSections: RegExp[], more?: (page: Page) => Promise<void>): Promise<string[]> {
  assert.ok(existsSync(file), file);
  const page = await openPage(file, { width: 1400, height: 900 });
  try {
    const headings = await page.evaluate<string[]>(`[...document.querySelectorAll('h2')].map((h) => h.textContent)`);
    for (const s of expectSections) assert.ok(headings.some((h) => s.test(h)), `a section ${s} among ${headings.join(', ')}`);
    const charts = await page.evaluate<ChartLook[]>(`[...document.querySelectorAll('figure.chart')].map((f) => ({
      id: f.id, x: f.querySelector('.xlabel').textContent, y: f.querySelector('.ylabel').textContent,
      canvas: f.querySelector('canvas') ? f.querySelector('canvas').width : 0 }))`);
    assert.ok(charts.length > 0, 'charts drawn');
    assert.equal(await page.evaluate<number>('window.splitsimCharts.length'), charts.length, 'uPlot drew every chart');
    for (const c of charts) {
      assert.match(c.x, /^\S.* \([^)]+\)$/, `${c.id}: x axis "${c.x}" is named with its unit`);
      assert.match(c.y, /^\S.* \([^)]+\)$/, `${c.id}: y axis "${c.y}" is named with its unit`);
      assert.ok(c.canvas > 200, `${c.id}: a canvas ${c.canvas} px wide`);
    }
    // Hover each chart in the middle of its plot: its legend shows the values there.
    for (const c of charts) {
      const at = await page.evaluate<{ x: number; y: number }>(`(() => {
        const over = document.getElementById('${c.id}').querySelector('.u-over');
        over.scrollIntoView({ block: 'center' });
        const r = over.getBoundingClientRect();
        return { x: r.x + r.width * 0.5, y: r.y + r.height * 0.5 };
      })()`);
      await page.mouseMove(at.x, at.y);
      let values: string[] = [];
      // The page handles the pointer event on its own schedule: look again until it has.
      for (let tries = 0; tries < 100 && !values.some((v) => /\d/.test(v)); tries++) {
        if (tries > 0) await new Promise((r) => setTimeout(r, 20));
        values = await page.evaluate<string[]>(`[...document.getElementById('${c.id}').querySelectorAll('.u-legend .u-series:not(:first-child) .u-value')].map((v) => v.textContent)`);
      }
      assert.ok(values.some((v) => /^-?[\d.,]+(e-?\d+)? \S+$/.test(v)), `${c.id}: hovering shows a value with its unit (${values.join(' | ')})`);
    }
    const own = pathToFileURL(file).href;
    assert.deepEqual(page.requests().filter((u) => u !== own), [], 'no request leaves the file');
    assert.deepEqual(page.errors(), []);
    await more?.(page);
    return await page.evaluate<string[]>(`[...document.querySelectorAll('figure.chart figcaption b')].map((b) => b.textContent)`);
  } finally {
    await page.close();
  }
}

test('the demo\'s kind of run: facts, figures, link charts, distributions and the WTPG', { skip }, async () => {
  const dir = join(scratch, 'dc');
  splitsim('run', 'configs/datacenter.ts', '--inst', 'ab', '--set', 'blocks=2', '--set', 'racksPerBlock=2', '--set', 'hostsPerRack=4', '--set', 'bulkBytes=100000',
    '--until', '300us', '--profile', '100ms', '--record', '20us', '--out', dir);
  const titles = await look(join(dir, 'report.html'), [/^Figures$/, /^Links$/, /^Distributions$/, /^Wait-time profile$/], async (page) => {
    const facts = await page.evaluate<string>(`document.querySelector('dl.facts').textContent`);
    for (const f of ['config', 'instantiation', 'seed', 'simulated', 'speed', 'events']) assert.match(facts, new RegExp(f));
    assert.match(facts, /ab: 2 instance\(s\), thread/);
    assert.match(facts, /300 µs of 300 µs/);
    assert.ok(await page.evaluate<boolean>(`!!document.querySelector('.wtpg svg g.node') && !!document.querySelector('a[href="wtpg.html"]')`), 'the WTPG is drawn, and wtpg.html linked');
    assert.ok(await page.evaluate<number>(`document.querySelectorAll('details.params tr').length`) > 5, 'the parameters are listed');
  });
  for (const t of ['link utilisation', 'queue length at link ports', 'drops', 'ECN marks', 'distribution of tcpFlowCompletion', 'distribution of rpcLatency']) assert.ok(titles.includes(t), `${t} among ${titles.join(', ')}`);
});

test('a probed service-level run: every probe series charted with units', { skip }, async () => {
  const dir = join(scratch, 'smart');
  splitsim('run', 'configs/smart-routing.ts', '--out', dir);
  const titles = await look(join(dir, 'report.html'), [/^Figures$/, /^Time series$/]);
  for (const t of ['depth', 'load', 'latency.class0', 'latency.class1', 'rehashRate', 'perceived.server2']) assert.ok(titles.includes(t), `${t} among ${titles.join(', ')}`);
});

test('a sweep: each figure against the swept parameter with its confidence interval and theory', { skip }, async () => {
  const csv = join(scratch, 'sweep', 'mmc.csv');
  splitsim('sweep', 'configs/mmc.ts', '--grid', 'lambda=50,70,90', '--set', 'jobs=3000', '--replications', '3', '--workers', '2', '--out', csv);
  const titles = await look(join(scratch, 'sweep', 'mmc.html'), [/^Figures against the swept parameters$/], async (page) => {
    const legend = await page.evaluate<string[]>(`[...document.getElementById('sweep1').querySelectorAll('.u-legend th')].map((t) => t.textContent)`);
    assert.ok(legend.some((l) => /95 % CI/.test(l)) && legend.some((l) => /theory/.test(l)), legend.join(' | '));
    assert.equal(await page.evaluate<string>(`document.getElementById('sweep1').querySelector('.xlabel').textContent`), 'lambda (parameter value)');
  });
  assert.deepEqual(titles, ['jobs served', 'mean wait', 'mean response']);
});
