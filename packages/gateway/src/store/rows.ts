import type { AlertWrite } from './alerts.js';
import type { AuditEntry } from './audit.js';
import type { BaselineRow, DefinitionSetRow, DefinitionSnapshotRow } from './definitions.js';
import type { Direction, ExchangeRecord, JsonRpcId, MessageKind, MessageOrigin, MessageRecord, StreamKind } from '../types.js';

/** A message as the writer inserts it: exactly what the API returns. */
export type MessageRow = MessageRecord;

export type ExchangeRow = ExchangeRecord;

export type ExchangeUpdate = Partial<Pick<ExchangeRecord, 'sessionId' | 'status' | 'responseHeaders' | 'upstreamFirstByteAt' | 'doneAt' | 'error'>>;

/** Everything the recorder asks of the store, applied in order, in batches. */
export type WriteOp =
  | { op: 'message'; row: MessageRow }
  | { op: 'pair'; requestId: number; responseId: number }
  /** Once the response headers are in: the HTTP status of the client's messages, and the session an initialize was given. */
  | { op: 'annotate'; ids: number[]; httpStatus: number | null; sessionId: string | null }
  | { op: 'stderr'; server: string; sessionId: string | null; timestamp: number; line: string }
  | { op: 'exchange'; row: ExchangeRow }
  | { op: 'exchange-update'; id: number; update: ExchangeUpdate }
  /** An administrative event (store/audit.ts): queued like the traffic, so recording one never waits on the disk. */
  | { op: 'audit'; entry: AuditEntry }
  /** What the analyzer (alerts/) found, queued like the traffic: definitions, baselines, alerts, and how far it got. */
  | { op: 'definition-set'; row: DefinitionSetRow }
  | { op: 'definition-snapshot'; row: DefinitionSnapshotRow }
  | { op: 'baseline'; row: BaselineRow }
  | { op: 'alert'; write: AlertWrite }
  | { op: 'analysis-mark'; messageId: number };

/** The raw shape of a `messages` row as better-sqlite3 returns it. */
export interface MessageDbRow {
  id: number;
  timestamp: number;
  server: string;
  session_id: string | null;
  direction: Direction;
  kind: MessageKind;
  method: string | null;
  jsonrpc_id: string | null;
  paired_id: number | null;
  related_id: number | null;
  duration_ms: number | null;
  http_status: number | null;
  exchange_id: number | null;
  stream: StreamKind | null;
  sse_event_id: string | null;
  size: number;
  body: string;
  truncated: number;
  is_error: number;
  redactions: string;
  origin: MessageOrigin;
  replay_of: number | null;
  injected: string | null;
}

export function toMessageRecord(row: MessageDbRow): MessageRecord {
  return {
    id: row.id,
    timestamp: row.timestamp,
    server: row.server,
    sessionId: row.session_id,
    direction: row.direction,
    kind: row.kind,
    method: row.method,
    jsonrpcId: row.jsonrpc_id === null ? null : (JSON.parse(row.jsonrpc_id) as JsonRpcId),
    pairedId: row.paired_id,
    relatedId: row.related_id,
    durationMs: row.duration_ms,
    httpStatus: row.http_status,
    exchangeId: row.exchange_id,
    stream: row.stream,
    sseEventId: row.sse_event_id,
    size: row.size,
    body: row.body,
    truncated: row.truncated === 1,
    isError: row.is_error === 1,
    redactions: row.redactions ? row.redactions.split(',') : [],
    origin: row.origin,
    replayOf: row.replay_of,
    injected: row.injected,
  };
}

/** The raw shape of an `exchanges` row. */
export interface ExchangeDbRow {
  id: number;
  server: string;
  session_id: string | null;
  method: string;
  path: string;
  status: number | null;
  request_headers: string;
  response_headers: string;
  received_at: number;
  upstream_first_byte_at: number | null;
  done_at: number | null;
  error: string | null;
}

export function toExchangeRecord(row: ExchangeDbRow): ExchangeRecord {
  return {
    id: row.id,
    server: row.server,
    sessionId: row.session_id,
    method: row.method,
    path: row.path,
    status: row.status,
    requestHeaders: JSON.parse(row.request_headers) as Record<string, string>,
    responseHeaders: JSON.parse(row.response_headers) as Record<string, string>,
    receivedAt: row.received_at,
    upstreamFirstByteAt: row.upstream_first_byte_at,
    doneAt: row.done_at,
    error: row.error,
  };
}
