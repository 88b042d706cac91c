import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The new file's mode; 0600 unless told, since most of what the gateway writes is private. */
  mode?: number;
}

/**
 * Writes a file so a reader sees the old content or the new, never half: a temp
 * file beside it (same folder, so the rename stays on one file system), fsync,
 * then rename over the target.
 */
export function writeAtomic(file: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, 'wx', options.mode ?? 0o600);
  try {
    if (typeof content === 'string') writeSync(fd, content);
    else writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
