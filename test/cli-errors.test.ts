/**
 * Bad input, as a new user gives it: every case exits 2 with one line that names the file, the
 * field or the option, and no stack trace. A run that breaks simulated time fails (exit 3) naming
 * the component. The cases run as commands in one helper process (support/cli-inprocess.ts);
 * those that need a process of their own (a pipe closed early, the loader's syntax errors) spawn one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshOut, runBatch, scratchDir, writeConfig, type BatchCase, type CliResult } from './support/cli-inprocess.ts';

const dir = scratchDir('cli-errors');
after(() => rmSync(dir, { recursive: true, force: true }));
const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'splitsim', 'bin', 'splitsim.js');

/** A config file whose parts are given as TypeScript source; the rest is a small valid config. */
function config(name: string, parts: { system?: string; inst?: string; summary?: string; top?: string; extra?: string }): string {
  const system = parts.system ?? "() => { const s = new System('x'); const a = s.add('source', 'src', { rate: 1000, jobs: 5 }); const b = s.add('sink', 'snk'); s.link(a.port('out'), b.port('in'), { latency: '1us' }); return s; }";
  return writeConfig(dir, name, [
    "import { z, defineConfig, System, fatTree, parseTime } from 'splitsim';",
    parts.top ?? '',
    'export default defineConfig({',
    `  name: 'x',${parts.extra ?? ''}`,
    '  params: z.object({ n: z.number().default(1) }).strict(),',
    `  system: ${system},`,
    `  instantiations: { one: ${parts.inst ?? '() => ({})'} },`,
    parts.summary ? `  summary: ${parts.summary},` : '',
    '});',
    '',
  ].join('\n'));
}

const cases: BatchCase[] = [];
/** Every case: its command line, and what its one line of error must say. */
const expected = new Map<string, { names: RegExp; status: number }>();
function expect(id: string, args: string[], names: RegExp, status = 2): void {
  cases.push({ id, args });
  expected.set(id, { names, status });
}
const run = (file: string, ...more: string[]) => ['run', file, '--quiet', '--out', freshOut(), ...more];

// Errors raised by a config: by its code, a topology builder, parseTime.
expect('throws', ['plan', config('throws.ts', { system: "() => { throw new Error('boom in builder'); }" })], /throws\.ts: system\(\) failed: Error: boom in builder \(at .*throws\.ts:6:\d+\)/);
expect('typeerror', ['plan', config('typeerror.ts', { system: '(p: any) => p.missing.deeper' })], /typeerror\.ts: system\(\) failed: TypeError: .*\(at .*typeerror\.ts:6:\d+\)/);
expect('topology', ['plan', config('topology.ts', { system: "() => { const s = new System('x'); fatTree({ system: s, k: 3 } as any); return s; }" })], /topology\.ts: system\(\) failed: fatTree\(\) has 1 bad option: .*k must be even/);
expect('parsetime', ['plan', config('parsetime.ts', { system: "() => { parseTime('5 parsecs'); return new System('x'); }" })], /parsetime\.ts: system\(\) failed: .*unknown time unit "parsecs"/);
expect('toplevel', ['plan', config('toplevel.ts', { top: "parseTime('-3ms');" })], /toplevel\.ts: cannot load: .*-3ms/);
expect('instthrows', ['plan', config('instthrows.ts', { inst: "() => { throw new RangeError('no such rack'); }" })], /instthrows\.ts: instantiation one failed: RangeError: no such rack/);
expect('summary', run(config('summary.ts', { summary: "() => { throw new Error('summary boom'); }" })), /summary\.ts: summary\(\) failed: Error: summary boom/);

// Shape errors in user code.
expect('nullpartition', run(config('nullpartition.ts', { inst: '() => ({ partition: () => null as any })' })), /instantiation one: partition must return an array of groups/);
expect('modelsobject', run(config('modelsobject.ts', { inst: "() => ({ models: { kind: 'source' } as any })" })), /instantiation one: models must be an array of rules/);
expect('nosystem', run(config('nosystem.ts', { system: '(() => {}) as any' })), /nosystem\.ts: system\(\) must return the System it built .*got nothing/);
expect('notsystem', run(config('notsystem.ts', { system: '(() => ({ components: 5 })) as any' })), /notsystem\.ts: system\(\) must return the System it built .*got Object/);
expect('instnull', run(config('instnull.ts', { inst: '(() => null) as any' })), /instantiation one: must return an object .*got null/);
expect('badsummary', run(config('badsummary.ts', { summary: '(() => 42) as any' })), /badsummary\.ts: summary\(\) must return an array of figures/);

// Options, each named.
const options: Array<[string[], RegExp]> = [
  [['--seed', 'abc'], /--seed <n>' argument 'abc' is invalid/],
  [['--seed', '1e30'], /--seed <n>' argument '1e30' is invalid/],
  [['--placement', 'gpu'], /--placement <kind>' argument 'gpu' is invalid\. Allowed choices are thread, process/],
  [['--max-events', '-5'], /--max-events <n>' argument '-5' is invalid/],
  [['--max-events', '0'], /--max-events <n>' argument '0' is invalid/],
  [['--replications', '0'], /--replications <n>' argument '0' is invalid/],
  [['--workers', '-1'], /--workers <n>' argument '-1' is invalid/],
  [['--until', '10 parsecs'], /--until: unknown time unit "parsecs"/],
  [['extra-argument'], /too many arguments for 'run'/],
  [['--until', '-1ms'], /--until/],
  [['--profile', '1ms'], /--profile 1ms: the interval must be at least 50ms/],
  [['--inst', 'toString'], /configs\/mmc\.ts: no instantiation "toString"/],
  [['--set', 'lambda'], /--set lambda: write key=value/],
  [['--set', 'lambda=-1'], /configs\/mmc\.ts: bad parameters: parameter lambda/],
  [['--set', 'lamda=5'], /--set lamda: no such parameter \(did you mean "lambda"\?\)/],
  [['--frobnicate'], /unknown option '--frobnicate'/],
];
for (const [opts, names] of options) expect(`option ${opts.join(' ')}`, run('configs/mmc.ts', '--set', 'jobs=50', ...opts), names);
expect('unknown command', ['frobnicate'], /unknown command 'frobnicate'/);
expect('profile --warmup x', ['profile', 'runs/none', '--warmup', 'x'], /--warmup <n>' argument 'x' is invalid/);

// The real cause, not what follows from it.
expect('negative latency', ['plan', 'configs/fattree.ts', '--set', 'k=4', '--set', 'latency=-1ns'], /the plan has 48 problems: link pod0\/agg0\.p2 ↔ core0\.p0, .* and 45 more: latency: time "-1ns" must be a non-negative/);

// Through the replication and sweep worker pools.
const badlink = config('badlink.ts', { system: "(p: any) => { const s = new System('x'); const a = s.add('source', 'src', { rate: 1000, jobs: 5 }); const b = s.add('sink', 'snk'); s.link(a.port('out'), b.port('in'), { latency: p.n > 1 ? '-1ns' : '1us' }); return s; }" });
const poolNames = /the plan has 1 problem: link src\.out ↔ snk\.in: latency: time "-1ns"/;
expect('replications', run(badlink, '--replications', '2', '--workers', '1', '--set', 'n=2'), poolNames);
expect('sweep', ['sweep', badlink, '--grid', 'n=1,2', '--workers', '1', '--quiet', '--out', join(freshOut(), 'sweep.csv')], poolNames);
expect('replications throwing', run(config('poolthrows.ts', { system: "() => { throw new Error('boom in a worker'); }" }), '--replications', '2', '--workers', '1'), /poolthrows\.ts: system\(\) failed: Error: boom in a worker/);

// Runs that break simulated time fail (exit 3), naming the component and the time.
expect('overflow', run('configs/mmc.ts', '--set', 'lambda=0.000001', '--set', 'jobs=20'), /^splitsim: run failed: component source failed at 0ps \(event 0\): scheduled an event at .* past 2\^53 ps/, 3);
writeFileSync(join(dir, 'looper.ts'), [
  "import { z, Component, defineSpec } from 'splitsim';",
  '/** Reschedules itself 0.3 ps later (0 once rounded), forever, from 2 µs on. */',
  'export class Looper extends Component<Record<string, unknown>> {',
  "  static readonly spec = defineSpec({ model: 'source.looper', kinds: ['source'], description: 'loops at one time', ports: ['out'], params: z.object({}).passthrough() });",
  "  private readonly out = this.ctx.port('out');",
  '  private readonly again = this.ctx.timer(() => this.ctx.schedule(this.again, 0.3));',
  '  override init(): void { this.ctx.schedule(this.again, 2_000_000); }',
  '}',
  '',
].join('\n'));
const loops = config('loops.ts', { extra: " modules: ['./looper.ts'],", inst: "() => ({ models: [{ kind: 'source', model: 'source.looper' }] })" });
expect('zero-time loop', run(loops), /^splitsim: run failed: component src failed at 2us .*simulated time stopped moving: [\d,]+ events at 2us, 100 % of the last [\d,]+ executed by src/, 3);

// splitsim profile on what a run directory should not hold.
function runDir(name: string): string {
  const d = join(dir, `profile-${name}`);
  mkdirSync(join(d, 'profile'), { recursive: true });
  return d;
}
const fifo = runDir('fifo');
const fifoMade = spawnSync('mkfifo', [join(fifo, 'profile', 'i1.jsonl')]).status === 0;
if (fifoMade) expect('profile fifo', ['profile', fifo], /i1\.jsonl: a FIFO \(named pipe\), not a log file/);
const directory = runDir('dir');
mkdirSync(join(directory, 'profile', 'i1.jsonl'));
expect('profile directory', ['profile', directory], /i1\.jsonl: a directory, not a log file/);
const dangling = runDir('dangling');
symlinkSync(join(dangling, 'nowhere'), join(dangling, 'profile', 'i1.jsonl'));
expect('profile dangling link', ['profile', dangling], /i1\.jsonl: a link to nothing/);
const control = runDir('control');
writeFileSync(join(control, 'profile', 'i\u001b[2J.jsonl'), '{"v":1,\u001b[31m\n');
expect('profile control bytes', ['profile', control], /i\\x1b\[2J\.jsonl:1: not JSON/);
expect('profile no run', ['profile', join(dir, 'no-such-run')], /no-such-run: no such run directory/);

let results: Map<string, CliResult>;
before(() => {
  results = runBatch(cases);
});

/** Exit `status`, one line (a failed run, exit 3, adds a second: where its run directory is), no stack trace. */
function oneLine(r: CliResult, what: string, names: RegExp, status = 2): void {
  assert.equal(r.status, status, `${what}: exit ${r.status}\n${r.stderr}`);
  assert.match(r.stderr, status === 3 ? /^splitsim: run failed: [^\n]+\n {2}run directory [^\n]+\n$/ : /^splitsim: [^\n]+\n$/, `${what}: one line\n${r.stderr}`);
  assert.match(r.stderr, names, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error|\u001b/, `${what}: no stack trace, no raw control bytes`);
}

function check(prefixes: string[]): void {
  for (const [id, e] of expected) if (prefixes.some((p) => id.startsWith(p))) oneLine(results.get(id)!, id, e.names, e.status);
}

test('errors raised by a config name the config and the line they came from', () => check(['throws', 'typeerror', 'topology', 'parsetime', 'toplevel', 'instthrows', 'summary']));
test('shape errors in user code are named, not crashes', () => check(['nullpartition', 'modelsobject', 'nosystem', 'notsystem', 'instnull', 'badsummary']));
test('options are checked before anything runs, each named', () => check(['option ', 'unknown command', 'profile --warmup']));
test('the real cause is shown, not what follows from it: a negative latency, not 96 links without bandwidth', () => check(['negative latency']));
test('validation errors keep their type through the replication and sweep worker pools', () => check(['replications', 'sweep']));
test('a run past 2^53 ps fails with the overflow error; a zero-time loop fails naming the component and the time', () => check(['overflow', 'zero-time loop']));
test('splitsim profile: a FIFO, a directory, a dangling link named like a log, control bytes: one line each', () => check(['profile ']));

test('real processes: a syntax error keeps file:line:column; a throwing builder is ours; stdout closed early ends quietly', async () => {
  const syntax = writeConfig(dir, 'syntax.ts', "import { defineConfig } from 'splitsim';\nexport default defineConfig({ name: 'x',, });\n");
  const own = (file: string) => {
    const r = spawnSync(process.execPath, [bin, 'plan', file], { encoding: 'utf8', cwd: root });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  oneLine(own(syntax), 'syntax error', /syntax\.ts:2:\d+: ERROR: /);
  oneLine(own(join(dir, 'throws.ts')), 'throwing builder, own process', /system\(\) failed: Error: boom in builder/);
  // `splitsim plan … --json | head -c 100`: the reader goes away after 100 bytes.
  const child = spawn(process.execPath, [bin, 'plan', 'configs/datacenter.ts', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let got = 0;
  child.stdout.on('data', (d: Buffer) => {
    got += d.length;
    if (got >= 100) child.stdout.destroy();
  });
  const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  assert.equal(stderr, '', 'nothing on stderr');
  assert.equal(status, 0);
});
