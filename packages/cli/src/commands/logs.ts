import { createWriteStream, existsSync, fchmodSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  appendAudit,
  clearMessages,
  collectorHeaders,
  firstIdFrom,
  harChunks,
  homePaths,
  iterateMessages,
  MessageQueries,
  openDatabase,
  otlpTraceLines,
  readRegistry,
  resolveHome,
  resolveServers,
  signalUrl,
  spansInLine,
  toExportLine,
  type MessageFilter,
  type MessageRecord,
  type ServerInfo,
} from '@mcp-gateway/gateway';
import { DEFAULT_HOST, portFromEnv } from '../options.js';
import { CLI_VERSION } from '../version.js';
import { auditFromCli } from '../cli-audit.js';
import { CliError, UsageError } from '../errors.js';
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
  format: 'jsonl' | 'har' | 'otlp';
  out?: string;
  includeSecrets?: boolean;
  /** otlp: POST to this collector base URL (/v1/traces appended) instead of writing. */
  to?: string;
}

export async function exportLogs(options: ExportLogsOptions): Promise<void> {
  if (options.to !== undefined) return sendOtlp(options, options.to);
  const paths = homePaths(resolveHome(options.home));
  const target = options.out === undefined ? process.stdout : privateFile(options.out);
  let lines = 0;
  let spans = 0;
  // No logs.db yet: nothing was ever recorded, which is an empty export, not an error.
  if (existsSync(paths.database)) {
    try {
      // Read-only: never blocks a running gateway's writer, never migrates or creates anything.
      const { sqlite } = openDatabase(paths.database, { readonly: true });
      try {
        const filter = options.server === undefined ? {} : { server: options.server };
        const pieces =
          options.format === 'har'
            ? await harPieces(sqlite, filter, paths.runtime, options.includeSecrets === true)
            : options.format === 'otlp'
              ? counted(otlpLines(sqlite, filter, paths.registry), (line) => (spans += spansInLine(line)))
              : jsonLines(iterateMessages(sqlite, filter));
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
      detail: { format: options.format ?? 'jsonl', ...(options.format === 'otlp' ? { spans } : { messages: lines }), toFile: options.out !== undefined },
    });
  }
  if (options.out !== undefined) {
    try {
      await finish(target);
    } catch (error) {
      throw fileError(options.out, error);
    }
    warn(
      options.format === 'har'
        ? `Exported an HTTP Archive to ${options.out}`
        : options.format === 'otlp'
          ? `Exported ${plural(spans, 'span')} as OTLP JSON to ${options.out}`
          : `Exported ${plural(lines, 'message')} to ${options.out}`,
    );
  }
}

/** HAR request URLs name the gateway: the running one, else where `start` would listen. */
async function harPieces(sqlite: Sqlite, filter: MessageFilter, runtime: string, includeSecrets: boolean): Promise<Iterable<string>> {
  const running = await findRunningGateway(runtime);
  const baseUrl = running?.url ?? `http://${DEFAULT_HOST}:${portFromEnv()}`;
  return harChunks(new MessageQueries(sqlite), filter, { baseUrl, version: CLI_VERSION, includeSecrets });
}

/** Spans carry where each server is (server.address, network.transport) and, when mcp.json opts in, redacted content: both from the home's mcp.json. */
function otlpLines(sqlite: Sqlite, filter: MessageFilter, registryFile: string): Iterable<string> {
  let servers = new Map<string, ServerInfo>();
  let captureContent = false;
  try {
    const { parsed } = readRegistry(registryFile);
    servers = new Map(resolveServers(parsed).map((s) => [s.name, { transport: s.transport, ...(s.entry.url ? { url: s.entry.url } : {}) }]));
    captureContent = parsed.otel?.captureContent === true;
  } catch {
    // A broken mcp.json only costs the spans their server.address.
  }
  return otlpTraceLines(sqlite, filter, { version: CLI_VERSION, server: (name) => servers.get(name), captureContent });
}

function* counted(lines: Iterable<string>, each: (line: string) => void): Generator<string> {
  for (const line of lines) {
    each(line);
    yield line;
  }
}

/** `--to URL`: each line of the OTLP export POSTed to the collector, as its OTLP/HTTP JSON receiver takes it. */
async function sendOtlp(options: ExportLogsOptions, to: string): Promise<void> {
  if (options.format !== 'otlp') throw new UsageError('--to sends OpenTelemetry traces; use it with --format otlp');
  if (options.out !== undefined) throw new UsageError('give either --to (send to a collector) or --out (write a file), not both');
  let url: string;
  try {
    const base = new URL(to);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
    url = signalUrl(base.toString(), 'traces');
  } catch {
    throw new UsageError(`--to needs the collector's base URL, such as http://localhost:4318 (/v1/traces is appended); got "${to}"`);
  }
  const paths = homePaths(resolveHome(options.home));
  let headers: Record<string, string>;
  try {
    headers = { ...collectorHeaders(readRegistry(paths.registry).parsed.otel, process.env), 'content-type': 'application/json' };
  } catch (error) {
    throw new CliError(`cannot send to ${url}: ${(error as Error).message}`);
  }
  let spans = 0;
  let requests = 0;
  if (existsSync(paths.database)) {
    const { sqlite } = openDatabase(paths.database, { readonly: true });
    try {
      const filter = options.server === undefined ? {} : { server: options.server };
      for (const line of otlpLines(sqlite, filter, paths.registry)) {
        await post(url, headers, line);
        spans += spansInLine(line);
        requests += 1;
      }
    } catch (error) {
      if (isStorageError(error)) throw new CliError(storageProblem(paths.database, error));
      throw error;
    } finally {
      sqlite.close();
    }
    auditFromCli(paths, { event: 'logs.exported', subject: options.server ?? null, detail: { format: 'otlp', spans, to: url } });
  }
  warn(`Sent ${plural(spans, 'span')} in ${plural(requests, 'request')} to ${url}`);
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach the collector at ${url} (${cause}); is it running, and is this its OTLP/HTTP port (usually 4318)?`);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).trim().slice(0, 200);
    throw new CliError(`the collector at ${url} answered ${response.status}${detail ? `: ${detail}` : ''}; nothing after that was sent`);
  }
  await response.body?.cancel().catch(() => undefined);
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
