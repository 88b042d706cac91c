import { createWriteStream, existsSync, fchmodSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  clearMessages,
  homePaths,
  iterateMessages,
  openDatabase,
  resolveHome,
  toExportLine,
  type MessageRecord,
} from '@mcp-gateway/gateway';
import { CliError } from '../errors.js';
import { isStorageError, storageProblem } from '../gateway-errors.js';
import { plural } from '../format.js';
import type { GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';
import { findRunningGateway } from '@mcp-gateway/gateway';
import { finish, pumpLines } from '../stream.js';

export interface ExportLogsOptions extends GlobalOptions {
  server?: string;
  format: 'jsonl';
  out?: string;
}

export async function exportLogs(options: ExportLogsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const target = options.out === undefined ? process.stdout : privateFile(options.out);
  let lines = 0;
  // No logs.db yet: nothing was ever recorded, which is an empty export, not an error.
  if (existsSync(paths.database)) {
    try {
      // Read-only: never blocks a running gateway's writer, never migrates or creates anything.
      const { sqlite } = openDatabase(paths.database, { readonly: true });
      try {
        const records = iterateMessages(sqlite, options.server === undefined ? {} : { server: options.server });
        lines = (await pumpLines(jsonLines(records), target)).lines;
      } finally {
        sqlite.close();
      }
    } catch (error) {
      if (isStorageError(error)) throw new CliError(storageProblem(paths.database, error));
      throw options.out === undefined ? error : fileError(options.out, error);
    }
  }
  if (options.out !== undefined) {
    try {
      await finish(target);
    } catch (error) {
      throw fileError(options.out, error);
    }
    warn(`Exported ${plural(lines, 'message')} to ${options.out}`);
  }
}

function* jsonLines(records: Iterable<MessageRecord>): Generator<string> {
  for (const record of records) yield `${JSON.stringify(toExportLine(record))}\n`;
}

/** Created 0600; an existing file is truncated and made private too, since the export holds traffic. */
function privateFile(file: string): Writable {
  let fd: number;
  try {
    fd = openSync(file, 'w', 0o600);
    fchmodSync(fd, 0o600);
  } catch (error) {
    throw fileError(file, error);
  }
  return createWriteStream(file, { fd });
}

function fileError(file: string, error: unknown): CliError {
  return new CliError(`cannot write ${file}: ${(error as Error).message}`);
}

export interface ClearLogsOptions extends GlobalOptions {
  server?: string;
}

export async function clearLogs(options: ClearLogsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const filter = options.server === undefined ? {} : { server: options.server };
  const running = await findRunningGateway(paths.runtime);
  let removed = 0;
  if (running) {
    // The running gateway holds the write lock between batches; asking it to
    // clear keeps its writer from waiting on ours (and flushes its queue first).
    removed = await clearThroughGateway(running.url, options.server);
  } else if (existsSync(paths.database)) {
    try {
      const { sqlite } = openDatabase(paths.database);
      try {
        removed = clearMessages(sqlite, filter);
      } finally {
        sqlite.close();
      }
    } catch (error) {
      if (isStorageError(error)) throw new CliError(storageProblem(paths.database, error));
      throw error;
    }
  }
  const scope = options.server === undefined ? '' : ` of server "${options.server}"`;
  const via = running ? ` (through the gateway at ${running.url})` : '';
  say(`Removed ${plural(removed, 'message')}${scope}${via}.`);
}

async function clearThroughGateway(baseUrl: string, server: string | undefined): Promise<number> {
  const query = server === undefined ? '' : `?server=${encodeURIComponent(server)}`;
  const url = `${baseUrl}/api/messages${query}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new CliError(`the gateway at ${baseUrl} did not answer DELETE /api/messages: ${(error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const removed = (body as { removed?: unknown } | null)?.removed;
  if (!response.ok || typeof removed !== 'number') {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new CliError(
      `the gateway at ${baseUrl} could not clear the messages (HTTP ${response.status}): ${typeof message === 'string' ? message : text.slice(0, 200)}`,
    );
  }
  return removed;
}
