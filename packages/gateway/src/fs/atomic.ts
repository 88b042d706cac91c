import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * The new file's mode, exactly (the umask does not narrow it): a client's
   * config rewritten keeps its own permissions. 0600 unless told, under the
   * umask, since most of what the gateway writes is private.
   */
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
    if (options.mode !== undefined) fchmodSync(fd, options.mode);
    if (typeof content === 'string') writeSync(fd, content);
    else writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
