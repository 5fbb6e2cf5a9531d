import { closeSync, lstatSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Reading what a run directory holds without trusting it: a name ending in `.jsonl` may be a
 * directory, a FIFO (reading it would wait forever for a writer), a dangling link or a file too
 * large for one string (V8 caps strings at about 512 MiB). Files are read in chunks, line by line.
 */

/** Why `path` cannot be read as a regular file, or null when it can. */
export function notAFile(path: string): string | null {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return isLink(path) ? 'a link to nothing (dangling symbolic link)' : 'no such file';
    if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission denied)';
    if (code === 'ELOOP') return 'a loop of symbolic links';
    return `cannot be read (${code ?? (err as Error).message})`;
  }
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a directory, not a log file';
  if (st.isFIFO()) return 'a FIFO (named pipe), not a log file';
  if (st.isSocket()) return 'a socket, not a log file';
  return 'not a regular file';
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const CHUNK = 1 << 20;

/**
 * Calls `line(text, lineNo, unterminated)` for each line of `path` (1-based; `unterminated` for a
 * last line without its newline); stops early when `line` returns false. Throws the fs error as
 * is (the caller has checked notAFile()).
 */
export function forEachLine(path: string, line: (text: string, lineNo: number, unterminated: boolean) => boolean | void, chunk = CHUNK): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunk);
    let carry: Buffer[] = [];
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, chunk, null);
      if (n === 0) break;
      let start = 0;
      for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < n; nl = buf.indexOf(10, start)) {
        const piece = buf.subarray(start, nl);
        const text = carry.length ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8');
        carry = [];
        start = nl + 1;
        if (line(text, ++lineNo, false) === false) return;
      }
      if (start < n) carry.push(Buffer.from(buf.subarray(start, n)));
    }
    if (carry.length) line(Buffer.concat(carry).toString('utf8'), ++lineNo, true);
  } finally {
    closeSync(fd);
  }
}
