/**
 * Fuzzing the command line: random options and values, random `--set` values for the reference
 * configs, random config shapes. Whatever the input, `splitsim` ends with 0, 2 (bad input) or 3
 * (a failed run), says why on stderr as `splitsim: …`, and never shows a stack trace or an
 * internal error. The cases are drawn by fast-check from a fixed seed (FUZZ_SEED and FUZZ_RUNS
 * draw more) and run in one helper process, so the suite spends a few seconds here.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { freshOut, runBatch, scratchDir, writeConfig, type BatchCase } from './support/cli-inprocess.ts';

const seed = Number(process.env.FUZZ_SEED ?? 14);
const runs = Number(process.env.FUZZ_RUNS ?? 1);
const dir = scratchDir('cli-fuzz');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Values that have broken parsers before: signs, exponents, units, JSON, empties, control bytes. */
const tricky = fc.constantFrom('-1', '0', '1', '2', '4', '0.5', '1e30', '-0', 'NaN', 'Infinity', 'abc', '', ' ', '1ms', '-5ns', '5 parsecs', '10Gbps', 'true', 'null', '[1,2]', '{"a":1}', '"x"', '\u001b[2J', 'toString', '__proto__', '0x10', '9007199254740993');
const smallInts = fc.constantFrom('-1', '0', '1', '2', '3', '4', '6', '0.5', '1e30', '1e-9');

const option = fc.oneof(
  fc.tuple(fc.constantFrom('--seed', '--max-events', '--replications', '--workers', '--until', '--profile', '--placement', '--inst', '--set', '--warmup', '--grid'), tricky).map(([o, v]) => [o, v]),
  fc.constantFrom(['--json'], ['--quiet'], ['--list'], ['--dot'], ['--bogus'], ['-x'], ['--profile'], ['--placement', 'thread']),
  fc.tuple(fc.constantFrom('lambda', 'mu', 'c', 'jobs', 'latency', 'nope', ''), tricky).map(([k, v]) => ['--set', `${k}=${v}`]),
);

/** `run` or `plan` of the M/M/c config with random options; runs stop after a few thousand events. */
const optionCase = fc.tuple(fc.constantFrom('run', 'plan', 'sweep', 'profile', 'models'), fc.array(option, { maxLength: 4 })).map(([cmd, opts]) => {
  const args = [cmd, cmd === 'profile' ? 'runs/no-such-run' : 'configs/mmc.ts', ...opts.flat()];
  if (cmd === 'run' || cmd === 'sweep') args.push('--set', 'jobs=200', '--workers', '1', '--out', freshOut());
  return args;
});

const configParams: Record<string, string[]> = {
  'configs/fattree.ts': ['k', 'workload', 'rate', 'size', 'bandwidth', 'latency', 'buffer', 'jitter', 'instances'],
  'configs/phold.ts': ['n', 'population', 'remote', 'lookahead', 'meanDelay', 'levels'],
  'configs/datacenter.ts': ['blocks', 'racksPerBlock', 'hostsPerRack', 'sendingShare', 'detailedHosts', 'latency', 'hostBandwidth'],
};
/** `plan` of a reference config with random --set values (small numbers only: the sizes stay small). */
const setCase = fc.constantFrom(...Object.keys(configParams)).chain((file) =>
  fc.array(fc.tuple(fc.constantFrom(...configParams[file]!), fc.oneof(smallInts, tricky)), { minLength: 1, maxLength: 3 }).map((sets) => {
    const small = file === 'configs/datacenter.ts' ? ['--set', 'blocks=2', '--set', 'racksPerBlock=2', '--set', 'hostsPerRack=3', '--set', 'detailedHosts=1'] : file === 'configs/fattree.ts' ? ['--set', 'k=4'] : [];
    return ['plan', file, ...small, ...sets.flatMap(([k, v]) => ['--set', `${k}=${v}`])];
  }),
);

/** Pieces of a config, right and wrong: what a user might write while learning. */
const systems = [
  "() => { const s = new System('x'); const a = s.add('source', 'src', { rate: 1000, jobs: 5 }); const b = s.add('sink', 'snk'); s.link(a.port('out'), b.port('in'), { latency: '1us' }); return s; }",
  "() => { const s = new System('x'); const a = s.add('source', 'src', { rate: 'fast' }); const b = s.add('sink', 'snk'); s.link(a.port('out'), b.port('nope'), { latency: -1 }); return s; }",
  "() => { const s = new System('x'); s.add('source', 'a/b', {}); s.add('source', 'a/b', {}); return s; }",
  "() => { const s = new System('x'); s.link({ component: 9, port: 'x' } as any, null as any, {} as any); return s; }",
  "() => { const s = new System('x'); fatTree({ system: s, k: 'four' } as any); return s; }",
  "() => { throw new Error('builder'); }",
  '() => { throw 42; }',
  '() => { throw null; }',
  '() => undefined as any',
  '() => 5 as any',
  '(() => [1, 2]) as any',
  '(p: any) => p.a.b.c',
  '"not a function" as any',
];
const instantiations = [
  '() => ({})',
  '() => null as any',
  '() => 7 as any',
  "() => ({ models: 'source' as any })",
  "() => ({ models: [{ kind: 'source', model: 'no.such' }] })",
  "() => ({ models: [{ mach: 'src', model: 'source.poisson' }] as any })",
  '() => ({ partition: () => null as any })',
  '() => ({ partition: () => [{ name: 7, components: [0] }] as any })',
  "() => ({ partition: () => [{ name: 'a/b', components: ['x'] }] as any })",
  "() => ({ partition: () => { throw new TypeError('partition'); } })",
  "() => ({ placement: 'gpu' as any })",
  "() => ({ placement: () => { throw new Error('placement'); } })",
  "() => ({ syncInterval: '-5us' as any })",
  "() => { throw new Error('instantiation'); }",
];
const extras = ['', "defaultInstantiation: 'missing',", "run: { until: 'soon' },", 'run: { seed: 1.5 },', "modules: ['./nope.ts'],", "modules: ['no-such-package'],", 'params: 5 as any,', 'summary: () => { throw new Error("s"); },', 'summary: () => "x" as any,', 'colour: 1,'];
/** Mostly the right piece, sometimes a wrong one: wrong pieces found first would hide the rest. */
const usually = <T>(right: T, wrong: readonly T[]) => fc.oneof({ arbitrary: fc.constant(right), weight: 3 }, { arbitrary: fc.constantFrom(...wrong), weight: 2 });
const configCase = fc
  .tuple(usually(systems[0]!, systems.slice(1)), fc.constantFrom(...instantiations), usually('', extras.slice(1)), fc.constantFrom('plan', 'run'), usually(true, [false]))
  .map(([system, inst, extra, cmd, named]) => ({ system, inst, extra, cmd, named }));

test('no input makes splitsim print a stack trace or an internal error', () => {
  const cases: BatchCase[] = [];
  fc.sample(optionCase, { seed, numRuns: 40 * runs }).forEach((args, i) => cases.push({ id: `options ${i}`, args }));
  fc.sample(setCase, { seed, numRuns: 20 * runs }).forEach((args, i) => cases.push({ id: `set ${i}`, args }));
  fc.sample(configCase, { seed, numRuns: 30 * runs }).forEach((c, i) => {
    const source = [
      "import { z, defineConfig, System, fatTree } from 'splitsim';",
      `export default ${c.named ? 'defineConfig(' : ''}{`,
      `  name: 'fuzz${i}', ${c.extra}`,
      `  system: ${c.system},`,
      `  instantiations: { one: ${c.inst} },`,
      `}${c.named ? ')' : ''};`,
      '',
    ].join('\n');
    const file = writeConfig(dir, `fuzz${i}.ts`, source);
    cases.push({ id: `config ${i}:\n${source}`, args: c.cmd === 'run' ? ['run', file, '--quiet', '--max-events', '1000', '--out', freshOut()] : ['plan', file] });
  });
  const results = runBatch(cases);
  if (process.env.FUZZ_DUMP) for (const c of cases) process.stderr.write(`${results.get(c.id)!.status} ${c.args.slice(0, 2).join(' ')} :: ${results.get(c.id)!.stderr.split('\n')[0]!.slice(0, 200)}\n`);
  const bad: string[] = [];
  for (const c of cases) {
    const r = results.get(c.id)!;
    // Progress lines may come first; the reason for a non-zero exit is a line of its own.
    const ok = [0, 2, 3].includes(r.status) && !/\n\s+at |internal error|ESCAPED|\u001b/.test(r.stderr) && (r.status === 0 || /(^|\n)splitsim: /.test(r.stderr));
    if (!ok) bad.push(`${c.id}\n  splitsim ${c.args.map((a) => JSON.stringify(a)).join(' ')}\n  exit ${r.status}: ${r.stderr.slice(0, 600)}`);
  }
  assert.deepEqual(bad, [], `${bad.length} of ${cases.length} inputs (seed ${seed}):\n${bad.join('\n')}`);
});
