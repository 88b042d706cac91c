import type Database from 'better-sqlite3';
import type { ExportLine, MessageRecord } from '../types.js';
import { toMessageRecord, type MessageDbRow } from './rows.js';

export interface MessageFilter {
  server?: string;
}

/** Messages oldest first, streamed from the database so an export never holds it all in memory. */
export function* iterateMessages(sqlite: Database.Database, filter: MessageFilter = {}): Generator<MessageRecord> {
  const statement = filter.server
    ? sqlite.prepare('SELECT * FROM messages WHERE server = ? ORDER BY id')
    : sqlite.prepare('SELECT * FROM messages ORDER BY id');
  const rows = (filter.server ? statement.iterate(filter.server) : statement.iterate()) as IterableIterator<MessageDbRow>;
  for (const row of rows) yield toMessageRecord(row);
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
    durationMs: record.durationMs,
    httpStatus: record.httpStatus,
    message: messageValue(record),
    size: record.size,
  };
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

const CLEAR_STEP = 5_000;

/**
 * Deletes messages (and their exchanges) in small transactions so a running
 * gateway's writer is never blocked for long, then gives the space back.
 */
export function clearMessages(sqlite: Database.Database, filter: MessageFilter = {}): number {
  const where = filter.server ? 'WHERE server = ?' : '';
  const params = filter.server ? [filter.server] : [];
  const deleteMessages = sqlite.prepare(`DELETE FROM messages WHERE id IN (SELECT id FROM messages ${where} LIMIT ${CLEAR_STEP})`);
  const deleteExchanges = sqlite.prepare(`DELETE FROM exchanges WHERE id IN (SELECT id FROM exchanges ${where} LIMIT ${CLEAR_STEP})`);
  let removed = 0;
  for (;;) {
    const changes = deleteMessages.run(...params).changes;
    removed += changes;
    if (changes < CLEAR_STEP) break;
  }
  while (deleteExchanges.run(...params).changes === CLEAR_STEP) {
    // keep deleting in steps
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.pragma('incremental_vacuum');
  return removed;
}

export function countMessages(sqlite: Database.Database): number {
  return (sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
}
