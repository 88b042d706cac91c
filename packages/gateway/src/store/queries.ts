import type Database from 'better-sqlite3';
import type { ExportLine, MessageRecord } from '../types.js';
import type { MessageFilter } from './message-filter.js';
import { MessageQueries } from './message-queries.js';

export type { MessageFilter } from './message-filter.js';

/** Messages oldest first, read a page at a time so an export never holds it all in memory. */
export function* iterateMessages(sqlite: Database.Database, filter: MessageFilter = {}): Generator<MessageRecord> {
  yield* new MessageQueries(sqlite).iterate(filter);
}

export function toExportLine(record: MessageRecord): ExportLine {
  const line: ExportLine = {
    id: record.id,
    timestamp: new Date(record.timestamp).toISOString(),
    server: record.server,
    sessionId: record.sessionId,
    direction: record.direction,
    kind: record.kind,
    method: record.method,
    jsonrpcId: record.jsonrpcId,
    pairedId: record.pairedId,
    relatedId: record.relatedId,
    durationMs: record.durationMs,
    httpStatus: record.httpStatus,
    message: messageValue(record),
    size: record.size,
    origin: record.origin,
    replayOf: record.replayOf,
  };
  if (record.injected !== null) line.injected = record.injected;
  if (record.truncated) line.truncated = true;
  return line;
}

function messageValue(record: MessageRecord): unknown {
  if (record.kind === 'invalid' || record.truncated) return record.body;
  try {
    return JSON.parse(record.body) as unknown;
  } catch {
    return record.body;
  }
}

export { clearMessages, clearMessagesStepwise, type ClearFilter, type ClearOutcome } from './clear.js';
