import { createWriteStream, existsSync, fchmodSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  clearMessages,
  harChunks,
  homePaths,
  iterateMessages,
  MessageQueries,
  openDatabase,
  resolveHome,
  toExportLine,
  type MessageFilter,
  type MessageRecord,
} from '@mcp-gateway/gateway';
import { DEFAULT_HOST, portFromEnv } from '../options.js';
import { CLI_VERSION } from '../version.js';

type Database = ReturnType<typeof openDatabase>['sqlite'];
import { CliError } from '../errors.js';
import { callGateway, type GatewayTarget } from '../gateway-api.js';
import { isStorageError, storageProblem } from '../gateway-errors.js';
import { plural } from '../format.js';
import type { GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';
import { findRunningGateway } from '@mcp-gateway/gateway';
import { finish, pumpLines } from '../stream.js';

export interface ExportLogsOptions extends GlobalOptions {
  server?: string;
  format: 'jsonl' | 'har';
  out?: string;
  includeSecrets?: boolean;
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
        const filter = options.server === undefined ? {} : { server: options.server };
        const pieces = options.format === 'har' ? await harPieces(sqlite, filter, paths.runtime, options.includeSecrets === true) : jsonLines(iterateMessages(sqlite, filter));
        lines = (await pumpLines(pieces, target)).lines;
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
    warn(options.format === 'har' ? `Exported an HTTP Archive to ${options.out}` : `Exported ${plural(lines, 'message')} to ${options.out}`);
  }
}

/** HAR request URLs name the gateway: the running one, else where `start` would listen. */
async function harPieces(sqlite: Database, filter: MessageFilter, runtime: string, includeSecrets: boolean): Promise<Iterable<string>> {
  const running = await findRunningGateway(runtime);
  const baseUrl = running?.url ?? `http://${DEFAULT_HOST}:${portFromEnv()}`;
  return harChunks(new MessageQueries(sqlite), filter, { baseUrl, version: CLI_VERSION, includeSecrets });
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
    removed = await clearThroughGateway(running, options.server);
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

async function clearThroughGateway(gateway: GatewayTarget, server: string | undefined): Promise<number> {
  const query = server === undefined ? '' : `?server=${encodeURIComponent(server)}`;
  const { removed } = await callGateway<{ removed: number }>(gateway, 'DELETE', `/messages${query}`);
  return removed;
}
