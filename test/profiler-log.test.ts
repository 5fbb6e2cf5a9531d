// Bad profile logs give typed errors that name the file and the line, all problems at once; short
// logs and trimming that leaves too little are refused with a hint; a torn last line is survivable.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseRun, ProfileError, type ProfileErrorCode } from '@splitsim/profiler';

// Every temporary directory of this file lives under one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'splitsim-profiler-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const START = 1_700_000_000_000_000_000;

interface LineSpec {
  wall?: number;
  sim?: number;
  wait?: number;
  final?: boolean;
}

/** A valid log line for instance `inst` with one channel `a~b` to `peer`. */
function line(inst: string, peer: string, k: number, spec: LineSpec = {}): Record<string, unknown> {
  const s = { wall: k * 1e9, sim: k * 1e10, wait: k * 1e8, ...spec };
  return {
    v: 1,
    instance: inst,
    wallNs: START + s.wall,
    startNs: START,
    simPs: s.sim,
    events: k * 100,
    channels: [{ channel: 'a~b', peer, waitNs: s.wait, rxNs: k * 1e7, txNs: k * 1e7, syncNs: k * 1e6, rxMsgs: k, txMsgs: k, syncMsgs: k }],
    final: !!spec.final,
    ...(spec.final ? { status: 'completed' } : {}),
  };
}

/** A run directory with logs for a and b; `a` and `b` are the files' texts (default: 5 good lines). */
function runDir(files: { a?: string; b?: string } = {}): string {
  const dir = mkdtempSync(join(scratch, 'splitsim-profile-log-'));
  mkdirSync(join(dir, 'profile'));
  const good = (inst: string, peer: string) => [1, 2, 3, 4, 5].map((k) => JSON.stringify(line(inst, peer, k, { final: k === 5 }))).join('\n') + '\n';
  writeFileSync(join(dir, 'profile', 'a.jsonl'), files.a ?? good('a', 'b'));
  writeFileSync(join(dir, 'profile', 'b.jsonl'), files.b ?? good('b', 'a'));
  return dir;
}

function fails(dir: string, code: ProfileErrorCode, ...patterns: RegExp[]): ProfileError {
  let caught: unknown;
  try {
    analyseRun(dir);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ProfileError, `expected a ProfileError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

const lines = (...ls: unknown[]) => ls.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

test('a good pair of logs is read', () => {
  const { summary } = analyseRun(runDir());
  assert.equal(summary.instances.length, 2);
});

test('a line that is not JSON is named by file and line', () => {
  const dir = runDir({ a: lines(line('a', 'b', 1), line('a', 'b', 2), '{"v":1,"instance":', line('a', 'b', 4), line('a', 'b', 5, { final: true })) });
  fails(dir, 'E_PROFILE_LOG', /profile\/a\.jsonl:3: not JSON/);
});

test('another format version is refused with both versions named', () => {
  const dir = runDir({ b: lines({ ...line('b', 'a', 1), v: 3 }) });
  fails(dir, 'E_PROFILE_VERSION', /b\.jsonl:1: log format version 3; this profiler reads versions 1 and 2/);
});

test('a missing or mistyped field names the field', () => {
  const bad = line('a', 'b', 2);
  delete bad.simPs;
  const worse = line('a', 'b', 3);
  (worse.channels as Record<string, unknown>[])[0]!.waitNs = 'lots';
  const dir = runDir({ a: lines(line('a', 'b', 1), bad, worse, line('a', 'b', 4, { final: true })) });
  const err = fails(dir, 'E_PROFILE_LOG', /a\.jsonl:2: simPs: /, /a\.jsonl:3: channels\.0\.waitNs: /);
  assert.equal(err.problems.length, 2, 'every problem is reported, not just the first');
});

test('counters and time never go back; the final line is the last and has a status', () => {
  const dir = runDir({
    a: lines(line('a', 'b', 1), line('a', 'b', 2), line('a', 'b', 3, { wait: 1e6 }), line('a', 'b', 4, { final: true }), line('a', 'b', 5)),
    b: lines(line('b', 'a', 1), line('b', 'a', 2, { wall: 5e8 }), { ...line('b', 'a', 3), final: true }),
  });
  const err = fails(dir, 'E_PROFILE_LOG', /a\.jsonl:3: channels: a~b\.waitNs went back/, /a\.jsonl:5: a line after the final line \(line 4\)/, /b\.jsonl:2: wallNs went back/, /b\.jsonl:3: status: the final line must say/);
  assert.ok(err.problems.every((p) => p.line !== undefined));
});

test('a log of another instance, a one-sided channel and a missing peer log are mismatches', () => {
  fails(runDir({ a: lines(line('x', 'b', 1), line('x', 'b', 2, { final: true })) }), 'E_PROFILE_LOG', /a\.jsonl:1: instance: "x" in the log of instance "a"/);
  fails(runDir({ b: lines(line('b', 'c', 1), line('b', 'c', 2, { final: true })) }), 'E_PROFILE_MISMATCH', /a\.jsonl:1: channel "a~b" goes to "b", but \S+b\.jsonl says its peer is "c"/, /b\.jsonl:1: channel "a~b" goes to instance "c", which has no log/);
});

test('logs that disagree with plan.json are refused', () => {
  const dir = runDir();
  const plan = { config: 'x', instantiation: 'y', instances: [{ id: 0, name: 'a', components: [] }, { id: 1, name: 'b', components: [] }, { id: 2, name: 'c', components: [] }], channels: [{ name: 'a~b', a: 0, b: 1 }] };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  fails(dir, 'E_PROFILE_MISSING', /profile\/c\.jsonl: instance "c" of plan.json has no profile log/);
});

test('a run directory without logs says how to make them', () => {
  fails(mkdtempSync(join(scratch, 'splitsim-profile-none-')), 'E_PROFILE_MISSING', /no profile logs.*--profile/);
});

test('a torn last line (the instance was killed while writing) is left out with a note', () => {
  const text = lines(...[1, 2, 3, 4].map((k) => line('a', 'b', k))) + '{"v":1,"instance":"a","wallNs":17';
  const { summary } = analyseRun(runDir({ a: text }));
  assert.ok(summary.notes.some((n) => /a\.jsonl:5: incomplete last line ignored/.test(n)), summary.notes.join('\n'));
  assert.equal(summary.instances.find((i) => i.instance === 'a')!.status, null, 'no final line: status unknown');
});

test('too few samples for the asked warm-up and cool-down: refused with a hint; defaults shrink with a note', () => {
  const dir = runDir();
  assert.throws(() => analyseRun(dir, { warmup: 2, cooldown: 2 }), (err: unknown) => {
    assert.ok(err instanceof ProfileError);
    assert.equal(err.code, 'E_PROFILE_SHORT');
    assert.match(err.message, /a\.jsonl: 5 sample\(s\); dropping 2 warm-up and 2 cool-down leaves 1, and a figure needs 2: lower --warmup or --cooldown/);
    return true;
  });
  const short = runDir({ a: lines(line('a', 'b', 1), line('a', 'b', 2), line('a', 'b', 3, { final: true })), b: lines(line('b', 'a', 1), line('b', 'a', 2), line('b', 'a', 3, { final: true })) });
  const { summary } = analyseRun(short);
  assert.ok(summary.notes.some((n) => /only 3 samples; dropped 1 warm-up and 0 cool-down/.test(n)), summary.notes.join('\n'));
  const single = runDir({ a: lines(line('a', 'b', 1, { final: true })) });
  fails(single, 'E_PROFILE_SHORT', /a\.jsonl: 1 sample\(s\).*shorter than two profile intervals/);
});

test('the checked-in malformed fixture reports every bad line', () => {
  const dir = join(mkdtempSync(join(scratch, 'splitsim-profile-bad-')), 'run');
  cpSync(fixture('profile-malformed'), dir, { recursive: true });
  const err = fails(dir, 'E_PROFILE_LOG');
  const expected = JSON.parse(readFileSync(join(dir, 'expected-problems.json'), 'utf8')) as string[];
  assert.deepEqual(err.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}`), expected);
});
