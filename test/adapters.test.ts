/**
 * The reference adapters' own unit tests (adapters/python/test_adapter.py, adapters/c/
 * test_splitsim.c): random streams bit for bit with the kernel's, statistics, JSON and msgpack,
 * frames and records, channel ends refusing malformed input. Skipped, with the reason, where
 * python3 or a C compiler is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { adapters, makeC, noC, noPython } from './support/adapters.ts';

test('the Python adapter passes its unit tests', { skip: noPython }, () => {
  const r = spawnSync('python3', ['-m', 'unittest', '-v', 'test_adapter'], { cwd: join(adapters, 'python'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Ran \d+ tests/);
});

test('the C adapter builds and passes its unit tests', { skip: noC }, () => {
  const built = makeC();
  assert.doesNotMatch(built, /warning/, built);
  assert.match(makeC('test'), /test_splitsim: all checks passed/);
});
