import type { Writable } from 'node:stream';

const CHUNK_CHARS = 64 * 1024;

export interface PumpResult {
  lines: number;
  /** The reader went away (EPIPE, as with `| head`): not an error for an export. */
  readerGone: boolean;
}

/**
 * Writes lines as they are produced, in chunks, honouring backpressure, so an
 * export of any size runs in constant memory. Throws on a write error other
 * than the reader closing the pipe.
 */
export async function pumpLines(lines: Iterable<string>, stream: Writable): Promise<PumpResult> {
  const state: { error: NodeJS.ErrnoException | null } = { error: null };
  // Kept attached after we return: a late EPIPE must not become an uncaught exception.
  stream.on('error', (error: NodeJS.ErrnoException) => {
    state.error ??= error;
  });

  let chunk = '';
  let count = 0;
  const flush = async (): Promise<void> => {
    const accepted = stream.write(chunk);
    chunk = '';
    // Yield even when the write was accepted: a closed pipe is reported as an
    // 'error' event, which a loop that never yields would not see.
    await (accepted ? new Promise<void>((resolve) => setImmediate(resolve)) : settled(stream, 'drain'));
  };

  for (const line of lines) {
    chunk += line;
    count += 1;
    if (chunk.length >= CHUNK_CHARS) {
      await flush();
      if (state.error || stream.destroyed) break;
    }
  }
  if (chunk.length > 0 && !state.error && !stream.destroyed) await flush();

  const error = state.error;
  if (error && error.code !== 'EPIPE') throw error;
  return { lines: count, readerGone: error !== null || stream.destroyed };
}

/** Ends a file stream and waits until its data is on disk (or the write failed). */
export async function finish(stream: Writable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** Resolves on `event`, or when the stream errors or closes (the caller checks which). */
function settled(stream: Writable, event: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off(event, done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once(event, done);
    stream.once('error', done);
    stream.once('close', done);
  });
}
