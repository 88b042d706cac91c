import type Database from 'better-sqlite3';
import type { ExchangeRecord, MessageDetail, MessageListItem, MessagePage, MessageRecord, PairSummary } from '../types.js';
import type { Cursor, MessageFilter } from './message-filter.js';
import { selectIds } from './message-plan.js';
import { toExchangeRecord, toMessageRecord, type ExchangeDbRow, type MessageDbRow } from './rows.js';
import { StatementCache, whereOf } from './statements.js';

/** A message of a page: the record with its body possibly cut to the page's `maxBody`. */
type ClippedRecord = MessageRecord & { bodyClipped: boolean };

/** Most messages tied to one request that its detail lists (progress of a long call can run to thousands). */
const MAX_RELATED = 1000;

/** Read side of the messages: pages, single messages with their context, and streaming iteration. */
export class MessageQueries {
  readonly cache: StatementCache;
  /** Every column but body, so a page can cut bodies in SQL; read from the schema so added columns come along. */
  private readonly columns: string;

  constructor(sqlite: Database.Database) {
    this.cache = new StatementCache(sqlite);
    const names = (sqlite.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>).map((c) => c.name);
    this.columns = names.filter((n) => n !== 'body').join(', ');
  }

  ids(filter: MessageFilter, cursor: Cursor): number[] {
    return selectIds(this.cache, filter, cursor);
  }

  page(filter: MessageFilter, cursor: Cursor, maxBody: number): MessagePage {
    const ids = this.ids(filter, { ...cursor, limit: cursor.limit + 1 });
    const hasMore = ids.length > cursor.limit;
    const pageIds = hasMore ? ids.slice(0, cursor.limit) : ids;
    const records = this.byIds(pageIds, maxBody);
    const pairs = this.pairSummaries(records);
    const messages: MessageListItem[] = records.map((record) => ({ ...record, pair: pairs.get(record.id) ?? null }));
    const last = pageIds[pageIds.length - 1];
    const next = hasMore && last !== undefined ? (cursor.order === 'desc' ? { before: last } : { after: last }) : null;
    return { messages, hasMore, next };
  }

  /** Rows in the order of `ids`; bodies cut to `maxBody` characters when given. */
  byIds(ids: number[], maxBody?: number): ClippedRecord[] {
    if (ids.length === 0) return [];
    const body = maxBody === undefined ? 'body, 0 AS body_clipped' : 'substr(body, 1, ?) AS body, length(body) > ? AS body_clipped';
    const sql = `SELECT ${this.columns}, ${body} FROM messages WHERE id IN (SELECT value FROM json_each(?))`;
    const params = maxBody === undefined ? [JSON.stringify(ids)] : [maxBody, maxBody, JSON.stringify(ids)];
    const rows = this.cache.get(sql).all(...params) as Array<MessageDbRow & { body_clipped: number }>;
    const byId = new Map(rows.map((row) => [row.id, { ...toMessageRecord(row), bodyClipped: row.body_clipped === 1 }]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  get(id: number): MessageRecord | null {
    const row = this.cache.get('SELECT * FROM messages WHERE id = ?').get(id) as MessageDbRow | undefined;
    return row ? toMessageRecord(row) : null;
  }

  exchange(id: number): ExchangeRecord | null {
    const row = this.cache.get('SELECT * FROM exchanges WHERE id = ?').get(id) as ExchangeDbRow | undefined;
    return row ? toExchangeRecord(row) : null;
  }

  /** Messages of one HTTP exchange, in order. */
  ofExchange(exchangeId: number): MessageRecord[] {
    const rows = this.cache.get('SELECT * FROM messages WHERE exchange_id = ? ORDER BY id').all(exchangeId) as MessageDbRow[];
    return rows.map(toMessageRecord);
  }

  detail(id: number): MessageDetail | null {
    const message = this.get(id);
    if (!message) return null;
    const related = this.cache.get(`SELECT * FROM messages WHERE related_id = ? ORDER BY id LIMIT ${MAX_RELATED}`).all(id) as MessageDbRow[];
    return {
      message,
      pair: message.pairedId === null ? null : this.get(message.pairedId),
      exchange: message.exchangeId === null ? null : this.exchange(message.exchangeId),
      related: related.map(toMessageRecord),
    };
  }

  /** Every matching message in id order (below `before` when given), read a page at a time so memory stays flat. */
  *iterate(filter: MessageFilter, options: { order?: Cursor['order']; before?: number; pageSize?: number } = {}): Generator<MessageRecord> {
    const pageSize = options.pageSize ?? 500;
    let cursor: Cursor = { order: options.order ?? 'asc', limit: pageSize, before: options.before };
    for (;;) {
      const ids = this.ids(filter, cursor);
      for (const record of this.byIds(ids)) {
        const { bodyClipped: _, ...plain } = record;
        yield plain;
      }
      const last = ids[ids.length - 1];
      if (ids.length < pageSize || last === undefined) return;
      cursor = cursor.order === 'asc' ? { ...cursor, after: last } : { ...cursor, before: last };
    }
  }

  /** Exchanges of a server and time range (on receipt), oldest first, from after the given id. */
  exchanges(filter: { server?: string; since?: number; until?: number }, after: number, limit: number): ExchangeRecord[] {
    const { where, params } = whereOf([
      ['id > ?', after],
      ['server = ?', filter.server],
      ['received_at >= ?', filter.since],
      ['received_at <= ?', filter.until],
    ]);
    const sql = `SELECT * FROM exchanges ${where} ORDER BY id LIMIT ?`;
    return (this.cache.get(sql).all(...params, limit) as ExchangeDbRow[]).map(toExchangeRecord);
  }

  newestId(): number {
    return this.cache.get('SELECT coalesce(max(id), 0) AS id FROM messages').pluck().get() as number;
  }

  /** The partner of each record: request ↔ answer, with the answer's duration on both sides. */
  private pairSummaries(records: MessageRecord[]): Map<number, PairSummary> {
    const wanted = records.filter((r) => r.pairedId !== null).map((r) => r.pairedId as number);
    const out = new Map<number, PairSummary>();
    if (wanted.length === 0) return out;
    const rows = this.cache
      .get('SELECT id, kind, method, duration_ms, is_error FROM messages WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(wanted)) as Array<Pick<MessageDbRow, 'id' | 'kind' | 'method' | 'duration_ms' | 'is_error'>>;
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const record of records) {
      const row = record.pairedId === null ? undefined : byId.get(record.pairedId);
      if (!row) continue;
      out.set(record.id, {
        id: row.id,
        kind: row.kind,
        method: row.method,
        durationMs: record.durationMs ?? row.duration_ms,
        isError: row.is_error === 1,
      });
    }
    return out;
  }
}
