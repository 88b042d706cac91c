import type Database from 'better-sqlite3';
import { prepareAlertWrites } from './alerts.js';
import { prepareAuditInsert } from './audit.js';
import { BatchRows } from './batch-rows.js';
import { prepareDefinitionWrites } from './definitions.js';
import { prepareDerivedWrites } from './derived.js';
import type { ExchangeRow, ExchangeUpdate, MessageRow, WriteOp } from './rows.js';

/**
 * The statements that apply a batch of the recorder's write ops in one
 * transaction. Returns the messages written, with what later ops of the same
 * batch changed (pairing, HTTP status, session), as they now are on disk.
 */
export interface BatchStatements {
  /** Applies the ops in order in one transaction; throws (and rolls back) if any fails. */
  applyAll(ops: WriteOp[]): MessageRow[];
}

const EXCHANGE_UPDATE_FIELDS = ['sessionId', 'status', 'responseHeaders', 'upstreamFirstByteAt', 'doneAt', 'error'] as const;

/** An exchange update onto `target`, as the SQL does it: a field left out or null keeps what is there. */
function mergeExchangeUpdate(target: ExchangeUpdate, update: ExchangeUpdate): void {
  for (const field of EXCHANGE_UPDATE_FIELDS) {
    const value = update[field];
    if (value !== undefined && value !== null) (target as Record<string, unknown>)[field] = value;
  }
}

/**
 * Most ops of a batch concern rows of the same batch: a request is paired and
 * annotated, an exchange gets its status and end, within the 50 ms a batch
 * spans. Those changes are made to the rows in memory, and each row is written
 * once, at the end of the batch, as it is final; only ops on rows of earlier
 * batches become UPDATEs. The end state is the same as applying every op in
 * turn, with a third of the statements. The ops themselves are never changed:
 * a failed batch is retried with them.
 */
export function prepareBatch(sqlite: Database.Database): BatchStatements {
  const derived = prepareDerivedWrites(sqlite);
  const insertStderr = sqlite.prepare('INSERT INTO stderr_lines (timestamp, server, session_id, line) VALUES (?, ?, ?, ?)');
  const insertAudit = prepareAuditInsert(sqlite);
  const definitions = prepareDefinitionWrites(sqlite);
  const writeAlert = prepareAlertWrites(sqlite);
  const setPair = sqlite.prepare('UPDATE messages SET paired_id = ? WHERE id = ?');
  const setStatus = sqlite.prepare('UPDATE messages SET http_status = ? WHERE id = ?');
  // Only when a session is assigned: UPDATE OF session_id fires the trigger that adds the message to it (0007).
  const setStatusAndSession = sqlite.prepare(
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
    // This batch's messages, changed by its later ops; written at the end, in op order.
    const batch = new BatchRows();
    const exchanges = new Map<number, ExchangeRow>();
    const exchangeUpdates = new Map<number, ExchangeUpdate>();
    for (const op of ops) {
      switch (op.op) {
        case 'message': {
          const row = batch.add(op.row);
          // Now, not at the end: which initialize wins is decided by the order messages join a session.
          if (row.sessionId !== null) derived.sessionInfo(row);
          break;
        }
        case 'stderr':
          insertStderr.run(op.timestamp, op.server, op.sessionId, op.line);
          break;
        case 'pair':
          if (!batch.pair(op.requestId, op.responseId)) setPair.run(op.responseId, op.requestId);
          break;
        case 'annotate':
          for (const id of op.ids) {
            const inBatch = batch.annotate(id, op.httpStatus, op.sessionId);
            if (inBatch === false) {
              // A row of an earlier batch.
              if (op.sessionId !== null) setStatusAndSession.run(op.httpStatus, op.sessionId, id);
              else if (op.httpStatus !== null) setStatus.run(op.httpStatus, id);
            } else if (inBatch !== true) derived.sessionInfo(inBatch);
          }
          break;
        case 'exchange':
          exchanges.set(op.row.id, { ...op.row });
          break;
        case 'exchange-update': {
          const target = exchanges.get(op.id) ?? exchangeUpdates.get(op.id);
          if (target) mergeExchangeUpdate(target, op.update);
          else {
            const update: ExchangeUpdate = {};
            mergeExchangeUpdate(update, op.update);
            exchangeUpdates.set(op.id, update);
          }
          break;
        }
        case 'audit':
          insertAudit(op.entry);
          break;
        case 'definition-set':
          definitions.set(op.row);
          break;
        case 'definition-snapshot':
          definitions.snapshot(op.row);
          break;
        case 'baseline':
          definitions.baseline(op.row);
          break;
        case 'alert':
          writeAlert(op.write);
          break;
        case 'analysis-mark':
          definitions.mark(op.messageId);
          break;
      }
    }
    derived.insert(batch.rows);
    for (const row of exchanges.values()) {
      insertExchange.run({
        ...row,
        requestHeaders: JSON.stringify(row.requestHeaders),
        responseHeaders: JSON.stringify(row.responseHeaders),
      });
    }
    for (const [id, u] of exchangeUpdates) {
      updateExchange.run({
        id,
        sessionId: u.sessionId ?? null,
        status: u.status ?? null,
        responseHeaders: u.responseHeaders ? JSON.stringify(u.responseHeaders) : null,
        upstreamFirstByteAt: u.upstreamFirstByteAt ?? null,
        doneAt: u.doneAt ?? null,
        error: u.error ?? null,
      });
    }
    return batch.rows;
  });

  return { applyAll: (ops) => applyAll(ops) };
}
