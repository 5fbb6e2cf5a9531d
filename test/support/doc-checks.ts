/**
 * The checkers of the docs' samples (`check="name"` blocks, see doc-blocks.ts): each hands a
 * sample of what the tool reads or writes to the tool's own parser or writer, so a sample that
 * drifts from the format fails. Used by test/docs.test.ts.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distributionSchema } from '@splitsim/models';
import { partitionFileSchema } from '@splitsim/instantiation';
import { parseLog } from '@splitsim/profiler';
import { loadConfig, planConfig, ProgressSink, RunProgress } from '@splitsim/runtime';
import { parseReport } from '../../packages/runtime/src/external-control.ts';
import { externalMetrics } from '../../packages/runtime/src/external-results.ts';
import { setupMessage } from '../../packages/runtime/src/external-setup.ts';
import type { CliResult } from './cli-inprocess.ts';
import { ROOT, type DocBlock, type Handling } from './doc-blocks.ts';

export interface CheckContext {
  page: string;
  /** The page's project folder (its files, configs/ linked in). */
  dir: string;
  blocks: Array<DocBlock & { handling: Handling }>;
  /** Runs `splitsim …args` in the project folder. */
  run: (args: string[]) => Promise<CliResult>;
}

export type Checker = (b: DocBlock, ctx: CheckContext) => Promise<void>;

/** A plan of one of the page's config files (any instantiation) with an external instance that `holds`; that instance's id. */
async function pagePlan(ctx: CheckContext, holds: (instance: { name: string; components: number[] }) => boolean) {
  for (const b of ctx.blocks) {
    if (b.handling.how !== 'file' || !b.handling.name.endsWith('.ts')) continue;
    const file = join(ctx.dir, b.handling.name);
    const loaded = await loadConfig(file, {}).catch(() => null);
    if (!loaded) continue;
    for (const inst of Object.keys(loaded.config.instantiations)) {
      const { plan } = planConfig(loaded, file, inst, loaded.config.run?.seed ?? 1);
      const found = plan.instances.find((i) => i.placement.kind === 'external' && holds(i));
      if (found) return { plan, instance: found.id };
    }
  }
  throw new Error(`no config of ${ctx.page} has the external instance the sample is for`);
}

/** What RunProgress shows for one update from the start: the terminal line and the JSON line. */
function progressOf(state: { simulated: number; until: number | null; events: number; wallSeconds: number }): { text: string; json: unknown } {
  const out: Record<'tty' | 'json', string> = { tty: '', json: '' };
  for (const mode of ['tty', 'json'] as const) {
    const sink = new ProgressSink({ mode, write: (t) => (out[mode] += t), columns: 200, clock: () => 0 });
    new RunProgress(sink, state.until ?? undefined).update({ now: state.simulated, events: state.events, wallSeconds: state.wallSeconds });
  }
  return { text: out.tty.replace(/^\r/, '').replace(/\x1b\[K$/, ''), json: JSON.parse(out.json) };
}

/** The form of a profile summary: its title, labels, advice, table header and rows, without the figures. */
function summaryForm(text: string): string[] {
  const form: string[] = [];
  for (const line of text.split('\n')) {
    const label = /^  (window|speed|bottleneck|most idle|try) /.exec(line)?.[1];
    const more = /^ {15}(waiting for it|split|merge|move)\b/.exec(line)?.[1];
    if (line.startsWith('WTPG of ')) form.push(line.replace(/^WTPG of \S+: \d+ instance\(s\), run \w+$/, 'title'));
    else if (label ?? more) form.push((label ?? more)!);
    else if (/^ +instance +wait +eff\./.test(line)) form.push(line.trim().split(/\s+/).join(' '));
    else if (/^ {2}\S+ +[\d.]+ % +[\d.]+ % +[\d.]+ % +[\d.]+ [kMG]?\/s +\d+/.test(line)) form.push(line.endsWith('< bottleneck') ? 'row < bottleneck' : 'row');
  }
  return form;
}

/** A JavaScript object literal, as the docs print parameters. */
function literal(text: string): unknown {
  return new Function(`return (${text});`)();
}

export const checkers: Record<string, Checker> = {
  /** A line of a profile log (wrapped on the page): the profiler reads it without a problem. */
  'profile-log-line': async (b) => {
    const line = JSON.parse(b.body) as { instance: string };
    const { problems } = parseLog(`${JSON.stringify(line)}\n`, `${line.instance}.jsonl`);
    assert.deepEqual(problems, []);
  },

  /** A partition file: the schema takes it, and `splitsim plan` runs its config with it. */
  'partition-file': async (b, ctx) => {
    const file = partitionFileSchema.parse(JSON.parse(b.body));
    const path = `partition-${b.line}.json`;
    writeFileSync(join(ctx.dir, path), b.body);
    const r = await ctx.run(['plan', `configs/${file.system.config}.ts`, '--partition-file', path]);
    assert.equal(r.status, 0, r.stderr);
    for (const i of file.instances) assert.match(r.stdout, new RegExp(`^\\s+\\d+\\s+${i.name.replace('.', '\\.')}\\s`, 'm'), `instance ${i.name} in the plan`);
  },

  /**
   * The progress line and its JSON twin: what RunProgress prints, on a terminal and in a pipe,
   * for the state the JSON sample gives (one update from the start).
   */
  progress: async (b, ctx) => {
    const json = ctx.blocks.find((x) => x.lang === 'json' && x.attrs.check === 'progress');
    assert.ok(json, 'the page has a JSON progress sample to take the state from');
    const state = JSON.parse(json.body) as { simulated: number; until: number | null; events: number; wallSeconds: number };
    const shown = progressOf(state);
    if (b.lang === 'json') assert.deepEqual(JSON.parse(b.body), shown.json);
    else assert.equal(b.body.trim(), shown.text);
  },

  /** Distribution parameters, one or two object literals a line; `// or { … }` gives the law's other form. */
  distributions: async (b) => {
    let count = 0;
    for (const text of b.body.split('\n')) {
      const [code, comment] = text.split(/\s*\/\/\s*/, 2) as [string, string | undefined];
      if (code.trim() === '') continue;
      const specs = literal(`[${code}]`) as Array<{ type: string }>;
      const other = comment && /^or (\{.*\})/.exec(comment);
      if (other) specs.push({ type: specs[0]!.type, ...(literal(other[1]!) as object) });
      for (const spec of specs) {
        const r = distributionSchema().safeParse(spec);
        assert.ok(r.success, `${JSON.stringify(spec)}: ${r.success ? '' : r.error.message}`);
        count++;
      }
    }
    assert.ok(count > 0);
  },

  /** The setup message: what the orchestrator sends the page's external instance, the socket path aside. */
  'external-setup': async (b, ctx) => {
    const sample = JSON.parse(b.body) as { instance: { name: string }; until: number | null; profileNs: number; channels: Array<{ id: number; path: string; listen: boolean }> };
    const { plan, instance } = await pagePlan(ctx, (i) => i.name === sample.instance.name);
    const channels = sample.channels.map((c) => ({ channel: c.id, transport: 'socket' as const, path: c.path, listen: c.listen }));
    assert.deepEqual(sample, setupMessage(plan, instance, sample.until, sample.profileNs, channels));
  },

  /** One component's statistics in a `finished` report: the orchestrator reads and summarises them. */
  'external-metrics': async (b, ctx) => {
    const sample = JSON.parse(b.body) as { id: number };
    const found = await pagePlan(ctx, (i) => i.components.includes(sample.id));
    const report = parseReport({ type: 'finished', status: 'completed', now: 0, events: 0, metrics: [sample] });
    assert.equal(report.type, 'finished');
    const metrics = externalMetrics(found.plan, found.instance, report as Extract<typeof report, { type: 'finished' }>);
    assert.equal(metrics.length, 1);
  },

  /** A map of source files under the packages its first line names: every file it names is there. */
  'source-map': async (b) => {
    const [head = '', ...rest] = b.body.split('\n');
    const folders = head.trim().split(/\s+/).map((f) => join(ROOT, f, 'src'));
    const names = rest.join('\n').match(/[\w-]+\.(?:ts|mjs)\b/g) ?? [];
    assert.ok(names.length > 0);
    const missing = names.filter((n) => !folders.some((f) => existsSync(join(f, n))));
    assert.deepEqual(missing, [], `files the map names that are not in ${head.trim()}`);
  },

  /**
   * The text summary of `splitsim profile` (a run on another machine: its figures are its own):
   * the same lines, labels and table as the summary of the unbalanced PHOLD fixture today.
   */
  'profile-summary': async (b, ctx) => {
    const run = join(ctx.dir, `profile-summary-${b.line}`);
    cpSync(join(ROOT, 'test/fixtures/profile-unbalanced4'), run, { recursive: true });
    const r = await ctx.run(['profile', run]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(summaryForm(b.body), summaryForm(r.stdout));
  },

  /** A report an external program sends: the orchestrator's schema takes it. */
  'external-report': async (b) => {
    parseReport(JSON.parse(b.body));
  },
};
