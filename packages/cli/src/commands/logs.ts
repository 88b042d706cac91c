import { createWriteStream, existsSync, fchmodSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  appendAudit,
  clearMessages,
  firstIdFrom,
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
import { auditFromCli } from '../cli-audit.js';
import { CliError } from '../errors.js';
import { callGateway, type GatewayTarget } from '../gateway-api.js';
import { isStorageError, storageProblem } from '../gateway-errors.js';
import { plural } from '../format.js';
import type { Age, GlobalOptions } from '../options.js';
import { withDatabase, type Sqlite } from '../database.js';
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
    // Exports read logs.db directly, so no gateway sees them: the CLI records them.
    auditFromCli(paths, {
      event: 'logs.exported',
      subject: options.server ?? null,
      detail: { format: options.format ?? 'jsonl', messages: lines, toFile: options.out !== undefined },
    });
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
async function harPieces(sqlite: Sqlite, filter: MessageFilter, runtime: string, includeSecrets: boolean): Promise<Iterable<string>> {
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
  olderThan?: Age;
}

export async function clearLogs(options: ClearLogsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const until = options.olderThan === undefined ? undefined : Date.now() - options.olderThan.ms;
  const running = await findRunningGateway(paths.runtime);
  let removed = 0;
  if (running) {
    // The running gateway holds the write lock between batches; asking it to
    // clear keeps its writer from waiting on ours (and flushes its queue first).
    removed = await clearThroughGateway(running, options.server, until);
  } else if (existsSync(paths.database)) {
    removed = withDatabase(paths.database, 'write', (sqlite) => clearDirectly(sqlite, options.server, until));
  }
  const scope = options.server === undefined ? '' : ` of server "${options.server}"`;
  const age = options.olderThan === undefined ? '' : ` older than ${options.olderThan.text}`;
  const via = running ? ` (through the gateway at ${running.url})` : '';
  say(`Removed ${plural(removed, 'message')}${scope}${age}${via}.`);
}

async function clearThroughGateway(gateway: GatewayTarget, server: string | undefined, until: number | undefined): Promise<number> {
  const query = new URLSearchParams();
  if (server !== undefined) query.set('server', server);
  if (until !== undefined) query.set('until', String(until));
  const { removed } = await callGateway<{ removed: number }>(gateway, 'DELETE', `/messages${query.size ? `?${query}` : ''}`);
  return removed;
}

/** As DELETE /api/messages does it, and written to the audit log as the CLI's doing. */
function clearDirectly(sqlite: Sqlite, server: string | undefined, until: number | undefined): number {
  // Up to the first message recorded after `until`; none: all of them are older.
  const before = until === undefined ? undefined : (firstIdFrom(sqlite, until + 1, server) ?? undefined);
  const removed = clearMessages(sqlite, { server, before });
  appendAudit(sqlite, {
    event: 'logs.cleared',
    subject: server ?? null,
    detail: { removed, ...(before === undefined ? {} : { before }), ...(until === undefined ? {} : { until: new Date(until).toISOString() }) },
    source: 'cli',
  });
  return removed;
}
