/**
 * Drives Debian's headless Chromium over the DevTools protocol (a WebSocket on the loopback
 * interface) to look at wtpg.html as a person would: load it from disk, move the pointer over a
 * node, read what the page shows, take a screenshot. Used by test/profiler-browser.test.ts and by
 * scripts/screenshot-wtpg.ts (docs/img/wtpg.png).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';

/** The Chromium binary: $CHROMIUM, else `chromium` on the PATH; null when there is none. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser'].filter((c): c is string => !!c);
  for (const c of candidates) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  return null;
}

export interface Page {
  /** Evaluates an expression in the page and returns its value (JSON-serializable). */
  evaluate<T>(expression: string): Promise<T>;
  mouseMove(x: number, y: number): Promise<void>;
  /** A PNG of the viewport; with `fullPage`, of the whole page at the viewport's width. */
  screenshot(options?: { fullPage?: boolean }): Promise<Buffer>;
  /** Every URL the page asked for since it was opened (itself included). */
  requests(): string[];
  /** Uncaught exceptions in the page's scripts since it was opened. */
  errors(): string[];
  close(): Promise<void>;
}

/** Opens `file` in a fresh headless Chromium with an empty profile, no network services, no sandbox (CI runs as root). */
export async function openPage(file: string, size: { width: number; height: number }, timeoutMs = 30_000): Promise<Page> {
  const chromium = findChromium();
  if (!chromium) throw new Error('no chromium: apt-get install -y chromium (or set $CHROMIUM)');
  const profile = mkdtempSync(join(tmpdir(), 'splitsim-chromium-'));
  const proc: ChildProcess = spawn(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `--window-size=${size.width},${size.height}`,
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const killer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const cleanup = () => {
    clearTimeout(killer);
    if (proc.exitCode === null) proc.kill('SIGKILL');
    // Chromium's helper processes can still be writing the profile for a moment after the kill:
    // removing the temporary directory is housekeeping, retried, and never fails a test.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // left in the temp folder
    }
  };
  try {
    const browserUrl = await new Promise<string>((resolve, reject) => {
      let err = '';
      proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      proc.on('exit', (code) => reject(new Error(`chromium exited (${code}) before DevTools was up:\n${err.slice(-2000)}`)));
    });
    const port = new URL(browserUrl).port;
    // DevTools can be up before the first page is: ask again for a while.
    let target: { type: string; webSocketDebuggerUrl: string } | undefined;
    for (let tries = 0; !target && tries < 200; tries++) {
      if (tries > 0) await new Promise((r) => setTimeout(r, 50));
      const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
      target = targets.find((t) => t.type === 'page');
    }
    if (!target) throw new Error('chromium has no page target after 10 s');
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let nextId = 1;
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    const listeners: ((method: string) => void)[] = [];
    const requested: string[] = [];
    const thrown: string[] = [];
    ws.on('message', (raw: Buffer) => {
      const msg = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { request?: { url: string } } };
      if (msg.method === 'Network.requestWillBeSent' && msg.params?.request) requested.push(msg.params.request.url);
      if (msg.method === 'Runtime.exceptionThrown') thrown.push(JSON.stringify((msg.params as { exceptionDetails?: unknown }).exceptionDetails).slice(0, 500));
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result);
      } else if (msg.method) listeners.forEach((l) => l(msg.method!));
    });
    const send = <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    await send('Page.enable');
    await send('Network.enable');
    await send('Runtime.enable');
    await send('Emulation.setDeviceMetricsOverride', { width: size.width, height: size.height, deviceScaleFactor: 1, mobile: false });
    const loaded = new Promise<void>((resolve) => listeners.push((m) => m === 'Page.loadEventFired' && resolve()));
    await send('Page.navigate', { url: pathToFileURL(file).href });
    await loaded;
    return {
      async evaluate<T>(expression: string) {
        const r = await send<{ result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', { expression, returnByValue: true });
        if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
        return r.result.value;
      },
      async mouseMove(x: number, y: number) {
        await send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
      },
      async screenshot(options = {}) {
        if (!options.fullPage) return Buffer.from((await send<{ data: string }>('Page.captureScreenshot', { format: 'png' })).data, 'base64');
        const height = (await send<{ result: { value: number } }>('Runtime.evaluate', { expression: 'document.documentElement.scrollHeight', returnByValue: true })).result.value;
        const r = await send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: size.width, height, scale: 1 } });
        return Buffer.from(r.data, 'base64');
      },
      requests: () => [...requested],
      errors: () => [...thrown],
      async close() {
        try {
          await send('Browser.close').catch(() => {});
          ws.close();
        } finally {
          cleanup();
        }
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** The centre of the bottleneck's node in the page, from the instance table's first row. */
export const BOTTLENECK_CENTRE = `(() => {
  const row = document.querySelector('tr.bottleneck');
  const g = row && document.getElementById(row.dataset.node);
  if (!g) return null;
  const r = g.getBoundingClientRect();
  return { name: row.cells[0].textContent.trim(), x: r.x + r.width / 2, y: r.y + r.height / 2 };
})()`;
