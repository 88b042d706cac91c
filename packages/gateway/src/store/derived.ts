import type Database from 'better-sqlite3';
import type { MessageRow } from './rows.js';
import { MESSAGE_BLOCK_SIZE } from './schema.js';

// What derives from the messages table: the full-text index (messages_fts),
// the sessions table and the zone map (message_blocks). Inserts keep them here,
// once per batch, not by per-row triggers (dropped in migration 0011):
//
//  - messages_fts: FTS5 flushes its pending terms to a new segment at every
//    statement savepoint, and any INSERT that fires a trigger opens one. A
//    per-row trigger therefore wrote one segment per message and paid FTS5's
//    merge work for each; one INSERT ... SELECT after the batch's rows writes
//    one segment per batch. That alone was most of the per-message write cost
//    (about 250 µs of 320 µs at 1M rows).
//  - sessions and message_blocks: one upsert per session and per block touched
//    by the batch instead of one per message.
//
// Deletes (clear, retention) and the rare late session assignment of an
// initialize request (UPDATE OF session_id, see batch.ts) are still kept by
// triggers: they are not on the hot path.

/** Ids per zone-map block (block = id >> 10, as the planner and the migrations use it). */

export type SessionInfoSource = Pick<MessageRow, 'id' | 'server' | 'sessionId' | 'kind' | 'method' | 'body'>;

interface SessionTotals {
  server: string;
  sessionId: string;
  first: number;
  last: number;
  count: number;
  errors: number;
}

export interface DerivedWrites {
  /**
   * Inserts `rows` as they are (in order) and keeps the search index, sessions
   * and zone map for them. Call inside the caller's transaction. Session info
   * from initialize messages is not applied here: call `sessionInfo` for those
   * at the point the message joined its session (the order decides which
   * initialize wins).
   */
  insert(rows: readonly MessageRow[]): void;
  /** Applies what an initialize message says about its session (client, server, protocol version); ignores other messages. */
  sessionInfo(row: SessionInfoSource): void;
}

export function prepareDerivedWrites(sqlite: Database.Database): DerivedWrites {
  // Positional parameters: binding by name costs a lookup per column per row.
  const insertMessage = sqlite.prepare(
    `INSERT INTO messages (id, timestamp, server, session_id, direction, kind, method, jsonrpc_id, paired_id, related_id,
       duration_ms, http_status, exchange_id, stream, sse_event_id, size, body, truncated, is_error, redactions, origin, replay_of, injected)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Reads the bodies back (their pages are in the cache): one statement, so FTS5 keeps every row of the batch in one segment.
  const indexBodies = sqlite.prepare(
    'INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE id IN (SELECT value FROM json_each(?))',
  );
  const addToSession = sqlite.prepare(
    `INSERT INTO sessions (server, session_id, first_id, last_id, message_count, error_count) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (server, session_id) DO UPDATE SET
       first_id = min(first_id, excluded.first_id),
       last_id = max(last_id, excluded.last_id),
       message_count = message_count + excluded.message_count,
       error_count = error_count + excluded.error_count`,
  );
  // The initialize part of the former per-row trigger (0007), for one message:
  // client name and version from the request; protocol version from the result
  // (what was agreed), else from the request; server name and version from the
  // result. A session row it creates has no messages yet: insert() counts them.
  // json_valid guards bodies that are not JSON (cut short) so this never fails a write.
  const applySessionInfo = sqlite.prepare(
    `INSERT INTO sessions (server, session_id, first_id, last_id, message_count, error_count,
       client_name, client_version, protocol_version, server_name, server_version)
     VALUES (@server, @sessionId, @id, @id, 0, 0,
       CASE WHEN @kind = 'request' AND json_valid(@body) THEN json_extract(@body, '$.params.clientInfo.name') END,
       CASE WHEN @kind = 'request' AND json_valid(@body) THEN json_extract(@body, '$.params.clientInfo.version') END,
       CASE WHEN NOT json_valid(@body) THEN NULL
            WHEN @kind = 'request' THEN json_extract(@body, '$.params.protocolVersion')
            WHEN @kind = 'response' THEN json_extract(@body, '$.result.protocolVersion') END,
       CASE WHEN @kind = 'response' AND json_valid(@body) THEN json_extract(@body, '$.result.serverInfo.name') END,
       CASE WHEN @kind = 'response' AND json_valid(@body) THEN json_extract(@body, '$.result.serverInfo.version') END)
     ON CONFLICT (server, session_id) DO UPDATE SET
       client_name = coalesce(excluded.client_name, client_name),
       client_version = coalesce(excluded.client_version, client_version),
       protocol_version = CASE WHEN @kind = 'response'
         THEN coalesce(excluded.protocol_version, protocol_version)
         ELSE coalesce(protocol_version, excluded.protocol_version) END,
       server_name = coalesce(excluded.server_name, server_name),
       server_version = coalesce(excluded.server_version, server_version)`,
  );
  const widenBlock = sqlite.prepare(
    `INSERT INTO message_blocks (block, min_timestamp, max_timestamp) VALUES (?, ?, ?)
     ON CONFLICT (block) DO UPDATE SET
       min_timestamp = min(min_timestamp, excluded.min_timestamp),
       max_timestamp = max(max_timestamp, excluded.max_timestamp)`,
  );

  const values: unknown[] = new Array(23);

  return {
    insert(rows) {
      if (rows.length === 0) return;
      const sessions = new Map<string, SessionTotals>();
      const blocks = new Map<number, { min: number; max: number }>();
      const ids: number[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as MessageRow;
        values[0] = row.id;
        values[1] = row.timestamp;
        values[2] = row.server;
        values[3] = row.sessionId;
        values[4] = row.direction;
        values[5] = row.kind;
        values[6] = row.method;
        // JSON text of the id, so 1 and "1" stay distinct.
        values[7] = row.jsonrpcId === null ? null : JSON.stringify(row.jsonrpcId);
        values[8] = row.pairedId;
        values[9] = row.relatedId;
        values[10] = row.durationMs;
        values[11] = row.httpStatus;
        values[12] = row.exchangeId;
        values[13] = row.stream;
        values[14] = row.sseEventId;
        values[15] = row.size;
        values[16] = row.body;
        values[17] = row.truncated ? 1 : 0;
        values[18] = row.isError ? 1 : 0;
        values[19] = row.redactions.join(',');
        values[20] = row.origin;
        values[21] = row.replayOf;
        values[22] = row.injected;
        insertMessage.run(values);
        ids[i] = row.id;

        if (row.sessionId !== null) {
          const key = `${row.server}\u0000${row.sessionId}`;
          const totals = sessions.get(key);
          if (totals === undefined) {
            sessions.set(key, { server: row.server, sessionId: row.sessionId, first: row.id, last: row.id, count: 1, errors: row.isError ? 1 : 0 });
          } else {
            if (row.id < totals.first) totals.first = row.id;
            if (row.id > totals.last) totals.last = row.id;
            totals.count++;
            if (row.isError) totals.errors++;
          }
        }
        const block = Math.floor(row.id / MESSAGE_BLOCK_SIZE);
        const bounds = blocks.get(block);
        if (bounds === undefined) blocks.set(block, { min: row.timestamp, max: row.timestamp });
        else if (row.timestamp < bounds.min) bounds.min = row.timestamp;
        else if (row.timestamp > bounds.max) bounds.max = row.timestamp;
      }
      for (const s of sessions.values()) addToSession.run(s.server, s.sessionId, s.first, s.last, s.count, s.errors);
      for (const [block, bounds] of blocks) widenBlock.run(block, bounds.min, bounds.max);
      // Last: the statements above open savepoints, and each would flush FTS5's pending terms.
      indexBodies.run(JSON.stringify(ids));
    },

    sessionInfo(row) {
      if (row.method !== 'initialize' || row.sessionId === null) return;
      applySessionInfo.run({ server: row.server, sessionId: row.sessionId, id: row.id, kind: row.kind, body: row.body });
    },
  };
}

/**
 * Inserts messages in one transaction with everything derived from them, in
 * row order (an import; tests). Rows keep the ids they carry.
 */
export function insertMessages(sqlite: Database.Database, rows: readonly MessageRow[]): void {
  const derived = prepareDerivedWrites(sqlite);
  sqlite.transaction(() => {
    for (const row of rows) derived.sessionInfo(row);
    derived.insert(rows);
  })();
}

/**
 * Rebuilds the search index, sessions and zone map from the messages table,
 * for a database filled without them (a bulk load that inserted rows directly).
 */
export function rebuildDerived(sqlite: Database.Database): void {
  sqlite.transaction(() => {
    sqlite.exec(`INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')`);
    sqlite.exec('DELETE FROM message_blocks');
    sqlite.exec(`INSERT INTO message_blocks (block, min_timestamp, max_timestamp)
      SELECT id >> 10, min(timestamp), max(timestamp) FROM messages GROUP BY id >> 10`);
    sqlite.exec('DELETE FROM sessions');
    sqlite.exec(`INSERT INTO sessions (server, session_id, first_id, last_id, message_count, error_count)
      SELECT server, session_id, min(id), max(id), count(*), sum(is_error) FROM messages
      WHERE session_id IS NOT NULL GROUP BY server, session_id`);
    // Initialize messages in id order, as they were recorded.
    const info = prepareDerivedWrites(sqlite);
    const inits = sqlite
      .prepare(`SELECT id, server, session_id AS sessionId, kind, method, body FROM messages
        WHERE method = 'initialize' AND session_id IS NOT NULL ORDER BY id`)
      .all() as SessionInfoSource[];
    for (const row of inits) info.sessionInfo(row);
  })();
}
