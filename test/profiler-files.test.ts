/**
 * Profile logs are read in chunks, line by line (profiler/src/files.ts): a log larger than a
 * string can be (550 MB in the issue) is read like any other, and what is not a regular file is
 * named instead of read. Lines crossing chunk boundaries, a torn last line and a missing final
 * newline must read exactly as parseLog reads the whole text.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLog, readLog } from '@splitsim/profiler';
import { forEachLine } from '../profiler/src/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'splitsim-profile-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Sample lines of instance i0 with `channels` channels each. */
function lines(count: number, channels: number): string[] {
  const start = 1_700_000_000_000_000_000;
  return Array.from({ length: count }, (_, k) =>
    JSON.stringify({
      v: 1, instance: 'i0', wallNs: start + k * 50_000_000, startNs: start, simPs: k * 1_000_000, events: k * 1000,
      channels: Array.from({ length: channels }, (_, c) => ({ channel: `c${c}`, peer: `p${c}`, waitNs: k, rxNs: k, txNs: k, syncNs: k, rxMsgs: k, txMsgs: k, syncMsgs: k })),
      final: k === count - 1, ...(k === count - 1 ? { status: 'completed' } : {}),
    }),
  );
}

test('a log read in chunks reads as its whole text: lines across chunk boundaries, torn and unterminated last lines', () => {
  const body = lines(30, 3);
  for (const [name, text] of [
    ['whole', `${body.join('\n')}\n`],
    ['no final newline', body.join('\n')],
    ['torn', `${body.slice(0, -1).join('\n')}\n${body.at(-1)!.slice(0, 100)}`],
    ['crlf, blanks, multi-byte', `${body.slice(0, 5).join('\r\n')}\r\n\n\n${body.slice(5).join('\n').replaceAll('"p1"', '"µ→p1"')}\n`],
  ] as const) {
    const file = join(dir, 'i0.jsonl');
    writeFileSync(file, text);
    const chunked = readLog(file);
    const whole = parseLog(text, file);
    assert.deepEqual(chunked, whole, name);
    // Chunks far smaller than a line, and of odd sizes, split lines (and characters) anywhere.
    for (const size of [7, 64, 1000]) {
      const got: string[] = [];
      forEachLine(file, (t, _n, unterminated) => void got.push(`${unterminated ? '!' : ''}${t}`), size);
      const want = text.split('\n');
      if (want.at(-1) === '') want.pop();
      else want[want.length - 1] = `!${want.at(-1)}`;
      assert.deepEqual(got, want, `${name}, chunks of ${size}`);
    }
  }
});

test('what is not a regular file is a problem, not a hang or a stack trace', () => {
  const r = readLog(join(dir, 'nothing-here.jsonl'));
  assert.equal(r.problems[0]!.message, 'no such file');
  const d = readLog(dir);
  assert.equal(d.problems[0]!.message, 'a directory, not a log file');
});
