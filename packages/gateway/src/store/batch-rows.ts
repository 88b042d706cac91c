import type { MessageRow } from './rows.js';

/**
 * A batch's messages as the database will hold them once the batch commits:
 * copies of the rows (the ops themselves never change, a failed batch is
 * retried with them), with the batch's later pair and annotate ops applied.
 * The writer thread writes these rows (store/batch.ts); the Writer publishes
 * the same rows after the commit, so what the event stream shows is what a
 * read returns.
 */
export class BatchRows {
  /** In op order. */
  readonly rows: MessageRow[] = [];
  private readonly byId = new Map<number, MessageRow>();

  add(row: MessageRow): MessageRow {
    const copy = { ...row };
    this.rows.push(copy);
    this.byId.set(copy.id, copy);
    return copy;
  }

  /** Pairs a request of this batch; false when the request is not in it. */
  pair(requestId: number, responseId: number): boolean {
    const request = this.byId.get(requestId);
    if (request) request.pairedId = responseId;
    return request !== undefined;
  }

  /**
   * The HTTP status (when given), and the session when the row has none.
   * Returns the row when it just joined a session, `true` when it is in this
   * batch otherwise, `false` when it is not.
   */
  annotate(id: number, httpStatus: number | null, sessionId: string | null): MessageRow | boolean {
    const row = this.byId.get(id);
    if (!row) return false;
    row.httpStatus = httpStatus ?? row.httpStatus;
    if (row.sessionId !== null || sessionId === null) return true;
    row.sessionId = sessionId;
    return row;
  }
}
