import type Database from 'better-sqlite3';
import { prepareAuditInsert } from './audit.js';
import type { MessageRow, WriteOp } from './rows.js';

/**
 * The statements that apply a batch of the recorder's write ops in one
 * transaction. Returns the messages written, with what later ops of the same
 * batch changed (pairing, HTTP status, session), as they now are on disk.
 */
export interface BatchStatements {
  /** Applies the ops in order in one transaction; throws (and rolls back) if any fails. */
  applyAll(ops: WriteOp[]): MessageRow[];
}

export function prepareBatch(sqlite: Database.Database): BatchStatements {
  const insertMessage = prepareMessageInsert(sqlite);
  const insertStderr = sqlite.prepare('INSERT INTO stderr_lines (timestamp, server, session_id, line) VALUES (?, ?, ?, ?)');
  const insertAudit = prepareAuditInsert(sqlite);
  const setPair = sqlite.prepare('UPDATE messages SET paired_id = ? WHERE id = ?');
  const annotate = sqlite.prepare(
    'UPDATE messages SET http_status = coalesce(?, http_status), session_id = coalesce(session_id, ?) WHERE id = ?',
  );
  const insertExchange = sqlite.prepare(
    `INSERT INTO exchanges (id, server, session_id, method, path, status, request_headers, response_headers,
       received_at, upstream_first_byte_at, done_at, error)
     VALUES (@id, @server, @sessionId, @method, @path, @status, @requestHeaders, @responseHeaders,
       @receivedAt, @upstreamFirstByteAt, @doneAt, @error)`,
  );
  const updateExchange = sqlite.prepare(
    `UPDATE exchanges SET
       session_id = coalesce(@sessionId, session_id),
       status = coalesce(@status, status),
       response_headers = coalesce(@responseHeaders, response_headers),
       upstream_first_byte_at = coalesce(@upstreamFirstByteAt, upstream_first_byte_at),
       done_at = coalesce(@doneAt, done_at),
       error = coalesce(@error, error)
     WHERE id = @id`,
  );

  const applyAll = sqlite.transaction((ops: WriteOp[]): MessageRow[] => {
    const written: MessageRow[] = [];
    // Copies of this batch's rows, so later ops of the batch (pairing, status,
    // session) show in what onFlushed publishes, as they will in the database.
    const inBatch = new Map<number, MessageRow>();
    for (const op of ops) {
      switch (op.op) {
        case 'message': {
          const row = { ...op.row };
          insertMessage(row);
          written.push(row);
          inBatch.set(row.id, row);
          break;
        }
        case 'stderr':
          insertStderr.run(op.timestamp, op.server, op.sessionId, op.line);
          break;
        case 'pair': {
          setPair.run(op.responseId, op.requestId);
          const request = inBatch.get(op.requestId);
          if (request) request.pairedId = op.responseId;
          break;
        }
        case 'annotate':
          for (const id of op.ids) {
            annotate.run(op.httpStatus, op.sessionId, id);
            const row = inBatch.get(id);
            if (row) {
              row.httpStatus = op.httpStatus ?? row.httpStatus;
              row.sessionId = row.sessionId ?? op.sessionId;
            }
          }
          break;
        case 'exchange':
          insertExchange.run({
            ...op.row,
            requestHeaders: JSON.stringify(op.row.requestHeaders),
            responseHeaders: JSON.stringify(op.row.responseHeaders),
          });
          break;
        case 'exchange-update': {
          const u = op.update;
          updateExchange.run({
            id: op.id,
            sessionId: u.sessionId ?? null,
            status: u.status ?? null,
            responseHeaders: u.responseHeaders ? JSON.stringify(u.responseHeaders) : null,
            upstreamFirstByteAt: u.upstreamFirstByteAt ?? null,
            doneAt: u.doneAt ?? null,
            error: u.error ?? null,
          });
          break;
        }
        case 'audit':
          insertAudit(op.entry);
          break;
      }
    }
    return written;
  });

  return { applyAll: (ops) => applyAll(ops) };
}

/** Inserts one message row (the writer's and an import's single way in). */
export function prepareMessageInsert(sqlite: Database.Database): (row: MessageRow) => void {
  const statement = sqlite.prepare(
    `INSERT INTO messages (id, timestamp, server, session_id, direction, kind, method, jsonrpc_id, paired_id, related_id,
       duration_ms, http_status, exchange_id, stream, sse_event_id, size, body, truncated, is_error, redactions)
     VALUES (@id, @timestamp, @server, @sessionId, @direction, @kind, @method, @jsonrpcId, @pairedId, @relatedId,
       @durationMs, @httpStatus, @exchangeId, @stream, @sseEventId, @size, @body, @truncated, @isError, @redactions)`,
  );
  return (row) => {
    statement.run({
      ...row,
      jsonrpcId: row.jsonrpcId === null ? null : JSON.stringify(row.jsonrpcId),
      truncated: row.truncated ? 1 : 0,
      isError: row.isError ? 1 : 0,
      redactions: row.redactions.join(','),
    });
  };
}
