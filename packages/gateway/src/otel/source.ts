// The store as span building reads it: committed rows only, by primary key or
// an index, on a connection of the reader's own (the exporter thread's, or the
// CLI's read-only one), so nothing here ever runs on the thread that forwards
// traffic.
import type Database from 'better-sqlite3';
import { MessageQueries } from '../store/message-queries.js';
import { toMessageRecord, type MessageDbRow } from '../store/rows.js';
import type { ExchangeRecord, MessageRecord } from '../types.js';
import type { SpanSource } from './spans.js';

/** An exchange row's session-relevant part, for the session clock. */
export interface ExchangeMark {
  id: number;
  server: string;
  sessionId: string | null;
  method: string;
  status: number | null;
  receivedAt: number;
  doneAt: number | null;
  error: string | null;
}

interface ExchangeMarkRow {
  id: number;
  server: string;
  session_id: string | null;
  method: string;
  status: number | null;
  received_at: number;
  done_at: number | null;
  error: string | null;
}

const toMark = (row: ExchangeMarkRow): ExchangeMark => ({
  id: row.id,
  server: row.server,
  sessionId: row.session_id,
  method: row.method,
  status: row.status,
  receivedAt: row.received_at,
  doneAt: row.done_at,
  error: row.error,
});

/** Related rows read per span at most (a long call's progress can run to thousands; the span keeps 128 events). */
const MAX_RELATED = 200;

/** Sessions whose protocol version is remembered (one lookup per span otherwise). */
const MAX_PROTOCOLS = 10_000;

export class StoreSource implements SpanSource {
  private readonly queries: MessageQueries;
  private readonly protocols = new Map<string, string>();

  constructor(private readonly sqlite: Database.Database) {
    this.queries = new MessageQueries(sqlite);
  }

  message(id: number): MessageRecord | null {
    return this.queries.get(id);
  }

  exchange(id: number): ExchangeRecord | null {
    return this.queries.exchange(id);
  }

  related(requestId: number): MessageRecord[] {
    const sql = `SELECT * FROM messages WHERE related_id = ? ORDER BY id LIMIT ${MAX_RELATED}`;
    return (this.queries.cache.get(sql).all(requestId) as MessageDbRow[]).map(toMessageRecord);
  }

  firstClientRequest(exchangeId: number): number | null {
    const sql = "SELECT min(id) FROM messages WHERE exchange_id = ? AND direction = 'client_to_server' AND kind = 'request'";
    return (this.queries.cache.get(sql).pluck().get(exchangeId) as number | null) ?? null;
  }

  protocolVersion(server: string, sessionId: string): string | null {
    const key = `${server}\u0000${sessionId}`;
    const known = this.protocols.get(key);
    if (known !== undefined) return known;
    const sql = 'SELECT protocol_version FROM sessions WHERE server = ? AND session_id = ?';
    const found = (this.queries.cache.get(sql).pluck().get(server, sessionId) as string | null | undefined) ?? null;
    // A session's version is settled by its initialize; until then (null) it is asked again.
    if (found !== null) {
      if (this.protocols.size >= MAX_PROTOCOLS) this.protocols.clear();
      this.protocols.set(key, found);
    }
    return found;
  }

  /** Messages with ids in (after, through], oldest first, at most `limit`. */
  messagesAfter(after: number, through: number, limit: number): MessageRecord[] {
    const sql = 'SELECT * FROM messages WHERE id > ? AND id <= ? ORDER BY id LIMIT ?';
    return (this.queries.cache.get(sql).all(after, through, limit) as MessageDbRow[]).map(toMessageRecord);
  }

  newestExchangeId(): number {
    return (this.queries.cache.get('SELECT coalesce(max(id), 0) FROM exchanges').pluck().get() as number) ?? 0;
  }

  /** Exchanges with ids in (after, through] that can end a session: DELETEs, and the bridge's channel to a stdio process or legacy SSE server. */
  sessionEnders(after: number, through: number, channelMethods: readonly string[]): ExchangeMark[] {
    const methods = ['DELETE', ...channelMethods];
    const sql = `SELECT id, server, session_id, method, status, received_at, done_at, error FROM exchanges
      WHERE id > ? AND id <= ? AND method IN (${methods.map(() => '?').join(', ')}) ORDER BY id`;
    return (this.queries.cache.get(sql).all(after, through, ...methods) as ExchangeMarkRow[]).map(toMark);
  }

  /** The current state of exchanges watched for their end. */
  marks(ids: number[]): ExchangeMark[] {
    if (ids.length === 0) return [];
    const sql = 'SELECT id, server, session_id, method, status, received_at, done_at, error FROM exchanges WHERE id IN (SELECT value FROM json_each(?))';
    return (this.queries.cache.get(sql).all(JSON.stringify(ids)) as ExchangeMarkRow[]).map(toMark);
  }
}
