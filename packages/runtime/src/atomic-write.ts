import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file whole or not at all: into a temporary file beside it, then renamed over it. A
 * reader, a killed process or a full disk never leaves half a file under the real name; on an
 * error the temporary file is removed (on a full disk that gives its space back) and the error
 * is thrown.
 */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A file-system error in words a user reads in one line: "no space left on device", "read-only file system"… */
export function fsProblem(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EEXIST':
      return 'already exists';
    case 'EIO':
      return 'input/output error';
    default:
      return err instanceof Error ? err.message.split('\n')[0]! : String(err);
  }
}
