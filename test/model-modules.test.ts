/**
 * A config's model modules going wrong, as a user meets it: each mistake is exit code 2 and
 * one line (or one line per problem) naming the config, the module and the model, no stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dir = 'test/fixtures/model-modules';

function splitsim(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'packages/splitsim/bin/splitsim.js'), ...args], { cwd: root }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

const cases: Array<[string, RegExp]> = [
  ['missing-file', /^splitsim: config test\/fixtures\/model-modules\/missing-file\.ts: model module \.\/nope\.ts not found \(no file \S+nope\.ts\)$/m],
  ['missing-package', /^splitsim: config test\/fixtures\/model-modules\/missing-package\.ts: model module no-such-package not found \(Cannot find package 'no-such-package' .*\); install it in the config's project/],
  ['empty-module', /^splitsim: config test\/fixtures\/model-modules\/empty-module\.ts: model module \.\/empty\.ts: exports no model, kind, application or step/],
  ['bad-spec', /^ {2}- model module \.\/badspec\.ts: export Broken looks like a model \(a class with a static spec\) but its kinds must name at least one kind$/m],
  ['duplicate', /^splitsim: config test\/fixtures\/model-modules\/duplicate\.ts: model module \.\/dup\.ts: model "sink\.latency" is declared twice: by splitsim\/models and by \.\/dup\.ts; rename one$/m],
  ['unknown-model', /the plan has 1 problem: snk: no model module provides model "sink\.psychic" \(1 component uses it; modules: splitsim\/models\)/],
];

test('model module mistakes: exit 2, named by config, module and model, no stack trace', async () => {
  // Started together: each child pays the TypeScript loader's start-up.
  const results = await Promise.all(cases.map(([name]) => splitsim('plan', `${dir}/${name}.ts`)));
  results.forEach((r, i) => {
    const [name, message] = cases[i]!;
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.match(r.stderr, new RegExp(`^splitsim: (config )?${dir}/${name}\\.ts: `), `${name} names the config first`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${name}: no stack trace`);
  });
});
