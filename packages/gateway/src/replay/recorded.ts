import type { MessageQueries } from '../store/message-queries.js';
import type { MessageDbRow } from '../store/rows.js';
import { toMessageRecord } from '../store/rows.js';
import type { ExportLine, MessageRecord } from '../types.js';
import { bodyValue } from './diff.js';

/** A recorded client request, from the store or from an export, with what a replay needs of it. */
export interface RecordedRequest {
  id: number;
  server: string;
  sessionId: string | null;
  method: string;
  /** The params as recorded; undefined when the request had none. */
  params: unknown;
  /** The stored copy was cut: it cannot be sent as it is. */
  truncated: boolean;
  /** The recorded answer (parsed JSON, or its text), null when none was recorded. */
  answer: unknown;
  originalDurationMs: number | null;
  /** MCP-Protocol-Version the request travelled with, when known. */
  protocolVersion: string | null;
}

/** What the session of a request says about how to open another like it. */
export interface RecordedSessionInfo {
  /** Params of the client's initialize in that session, null when none was recorded. */
  initializeParams: Record<string, unknown> | null;
}

/** Newest tools/list answers searched for a tool's annotations, and for the catalog. */
const LIST_ANSWERS_SEARCHED = 50;

export const MODERN_PROTOCOL = '2026-07-28';
const META_VERSION = 'io.modelcontextprotocol/protocolVersion';

/** The 2026-07-28 era has no sessions: every request carries its version in `_meta`. */
export function isModernEra(request: Pick<RecordedRequest, 'params' | 'protocolVersion' | 'sessionId'>): boolean {
  const meta = objectAt(request.params, '_meta');
  const version = typeof meta?.[META_VERSION] === 'string' ? (meta[META_VERSION] as string) : request.protocolVersion;
  return request.sessionId === null && version !== null && version >= MODERN_PROTOCOL;
}

export function modernVersionOf(params: unknown): string | null {
  const version = objectAt(params, '_meta')?.[META_VERSION];
  return typeof version === 'string' ? version : null;
}

/** Reads what replays need from the store. */
export class RecordedStore {
  constructor(private readonly queries: MessageQueries) {}

  message(id: number): MessageRecord | null {
    return this.queries.get(id);
  }

  request(record: MessageRecord): RecordedRequest {
    const answer = record.pairedId === null ? null : this.queries.get(record.pairedId);
    const exchange = record.exchangeId === null ? null : this.queries.exchange(record.exchangeId);
    const message = bodyValue(record.body);
    return {
      id: record.id,
      server: record.server,
      sessionId: record.sessionId,
      method: record.method ?? '',
      params: objectOf(message)?.params,
      truncated: record.truncated,
      answer: answer === null ? null : bodyValue(answer.body),
      originalDurationMs: answer?.durationMs ?? record.durationMs,
      protocolVersion: exchange?.requestHeaders['mcp-protocol-version'] ?? null,
    };
  }

  /** The client requests of a session, oldest first. */
  sessionRequests(server: string, sessionId: string): RecordedRequest[] {
    const rows = this.queries.cache
      .get(`SELECT * FROM messages WHERE session_id = ? AND server = ? AND direction = 'client_to_server' AND kind = 'request' ORDER BY id`)
      .all(sessionId, server) as MessageDbRow[];
    return rows.map((row) => this.request(toMessageRecord(row)));
  }

  sessionInfo(server: string, sessionId: string | null): RecordedSessionInfo {
    if (sessionId === null) return { initializeParams: null };
    const row = this.queries.cache
      .get(
        `SELECT body FROM messages WHERE session_id = ? AND server = ? AND method = 'initialize' AND direction = 'client_to_server' AND kind = 'request' ORDER BY id LIMIT 1`,
      )
      .get(sessionId, server) as { body: string } | undefined;
    return { initializeParams: row ? (objectAt(bodyValue(row.body), 'params') ?? null) : null };
  }

  /** The newest answers of a list method on a server, parsed, newest first. */
  listAnswers(server: string, method: string): unknown[] {
    const rows = this.queries.cache
      .get(`SELECT body FROM messages WHERE method = ? AND server = ? AND kind = 'response' ORDER BY id DESC LIMIT ${LIST_ANSWERS_SEARCHED}`)
      .all(method, server) as Array<{ body: string }>;
    return rows.map((row) => bodyValue(row.body));
  }

  /** The replay's own request row, found by the unique JSON-RPC id it sent. */
  replayedRequest(server: string, jsonrpcId: string): MessageRecord | null {
    const row = this.queries.cache
      .get(`SELECT * FROM messages WHERE jsonrpc_id = ? AND server = ? AND direction = 'client_to_server' ORDER BY id DESC LIMIT 1`)
      .get(JSON.stringify(jsonrpcId), server) as MessageDbRow | undefined;
    return row ? toMessageRecord(row) : null;
  }

  /** Server-to-client requests of a session recorded after a row. */
  serverRequestsAfter(server: string, sessionId: string | null, afterId: number, jsonrpcIds: ReadonlyArray<string | number>): MessageRecord[] {
    if (jsonrpcIds.length === 0) return [];
    const wanted = new Set(jsonrpcIds.map((id) => JSON.stringify(id)));
    const rows = this.queries.cache
      .get(`SELECT * FROM messages WHERE id > ? AND server = ? AND direction = 'server_to_client' AND kind = 'request' AND origin = 'replay' ORDER BY id LIMIT 1000`)
      .all(afterId, server) as MessageDbRow[];
    return rows.filter((row) => row.session_id === sessionId && row.jsonrpc_id !== null && wanted.has(row.jsonrpc_id)).map(toMessageRecord);
  }

  get(id: number): MessageRecord | null {
    return this.queries.get(id);
  }
}

/** The same view of an export (`logs export` JSONL), for `verify --from`. */
export class RecordedExport {
  private readonly byId: Map<number, ExportLine>;

  constructor(private readonly lines: readonly ExportLine[]) {
    this.byId = new Map(lines.map((line) => [line.id, line]));
  }

  sessions(): Array<{ server: string; sessionId: string }> {
    const seen = new Map<string, { server: string; sessionId: string }>();
    for (const line of this.lines) if (line.sessionId !== null) seen.set(`${line.server}\u0000${line.sessionId}`, { server: line.server, sessionId: line.sessionId });
    return [...seen.values()];
  }

  sessionRequests(server: string, sessionId: string): RecordedRequest[] {
    return this.lines
      .filter((l) => l.server === server && l.sessionId === sessionId && l.direction === 'client_to_server' && l.kind === 'request')
      .map((line) => {
        const answer = line.pairedId === null ? undefined : this.byId.get(line.pairedId);
        return {
          id: line.id,
          server: line.server,
          sessionId: line.sessionId,
          method: line.method ?? '',
          params: objectOf(line.message)?.params,
          truncated: line.truncated === true,
          answer: answer === undefined ? null : answer.message,
          originalDurationMs: answer?.durationMs ?? line.durationMs,
          protocolVersion: null,
        };
      });
  }

  sessionInfo(server: string, sessionId: string): RecordedSessionInfo {
    const init = this.lines.find((l) => l.server === server && l.sessionId === sessionId && l.method === 'initialize' && l.kind === 'request');
    return { initializeParams: init ? (objectAt(init.message, 'params') ?? null) : null };
  }

  listAnswers(server: string, method: string): unknown[] {
    return this.lines
      .filter((l) => l.server === server && l.method === method && l.kind === 'response')
      .reverse()
      .map((l) => l.message);
  }
}

export function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function objectAt(value: unknown, key: string): Record<string, unknown> | null {
  return objectOf(objectOf(value)?.[key]);
}
