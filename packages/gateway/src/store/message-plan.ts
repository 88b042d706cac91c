// Which message ids a list, an export or a page of the event stream replay
// selects: at most `cursor.limit`, in cursor order. Every strategy reads in id
// order from an index, so a page costs about what it returns:
//
//  - equality filters (server, session, method, kind, ...): one index range
//    scan of (column, id), ORDER BY id, LIMIT n.
//  - `q`: the FTS5 index, walked in rowid (= id) order.
//  - a method prefix (`tools/*`): the distinct methods under the prefix are
//    found by skipping through messages_method_id, each is read like an exact
//    method, and the pages are merged.
//  - since/until: only the 1,024-id blocks whose time bounds overlap the range
//    (message_blocks) are read, in id order.
//  - minDurationMs: the id-ordered scan races the duration index chunk by
//    chunk; whichever finishes first answers, so the cost is at most twice the
//    cheaper plan's.
import {
  and,
  cursorConditions,
  equalityConditions,
  matchOf,
  methodPrefix,
  prefixBounds,
  type Cursor,
  type Fragment,
  type MessageFilter,
} from './message-filter.js';
import type { StatementCache } from './statements.js';

const BLOCK_SIZE = 1024; // ids per message_blocks row: block = id >> 10
const CHUNK = 2048;
/** More distinct methods than this under one prefix: read the prefix as one range instead of merging. */
const MAX_MERGED_METHODS = 64;

export function selectIds(cache: StatementCache, filter: MessageFilter, cursor: Cursor): number[] {
  if (cursor.limit <= 0) return [];
  const match = matchOf(filter);
  if (match === false) return [];
  if (match !== null) return ftsIds(cache, filter, match, cursor);
  const prefix = methodPrefix(filter.method);
  if (prefix !== null) {
    const methods = methodsUnder(cache, prefix);
    if (methods.length <= MAX_MERGED_METHODS) return mergeIds(cache, filter, methods, cursor);
  }
  if (filter.since !== undefined || filter.until !== undefined) return blockIds(cache, filter, cursor);
  if (filter.minDurationMs !== undefined) return raceIds(cache, filter, filter.minDurationMs, cursor);
  return orderedIds(cache, filter, cursor);
}

const dir = (cursor: Cursor): 'ASC' | 'DESC' => (cursor.order === 'asc' ? 'ASC' : 'DESC');

function all(cache: StatementCache, sql: string, params: unknown[]): Array<{ id: number }> {
  return cache.get(sql).all(...params) as Array<{ id: number }>;
}

/** Time and duration as residual checks (the unary + keeps the planner on the id-ordered index). */
function residualRanges(filter: MessageFilter): Fragment[] {
  const out: Fragment[] = [];
  if (filter.since !== undefined) out.push({ sql: '+m.timestamp >= ?', params: [filter.since] });
  if (filter.until !== undefined) out.push({ sql: '+m.timestamp <= ?', params: [filter.until] });
  if (filter.minDurationMs !== undefined) out.push({ sql: '+m.duration_ms >= ?', params: [filter.minDurationMs] });
  return out;
}

function orderedIds(cache: StatementCache, filter: MessageFilter, cursor: Cursor, extra: Fragment[] = []): number[] {
  const where = and([...equalityConditions(filter), ...residualRanges(filter), ...cursorConditions(cursor), ...extra]);
  const sql = `SELECT m.id FROM messages m WHERE ${where.sql} ORDER BY m.id ${dir(cursor)} LIMIT ?`;
  return all(cache, sql, [...where.params, cursor.limit]).map((r) => r.id);
}

function ftsIds(cache: StatementCache, filter: MessageFilter, match: string, cursor: Cursor): number[] {
  const rest = { ...filter, q: undefined };
  const conditions = [...equalityConditions(rest), ...residualRanges(rest)];
  const bounds = cursorConditions(cursor, 'f.rowid');
  // The FTS index is the outer loop (CROSS JOIN), read in rowid order; other filters are checked per match.
  const from = conditions.length === 0 ? 'messages_fts f' : 'messages_fts f CROSS JOIN messages m ON m.id = f.rowid';
  const where = and([{ sql: 'f.messages_fts MATCH ?', params: [match] }, ...conditions, ...bounds]);
  const sql = `SELECT f.rowid AS id FROM ${from} WHERE ${where.sql} ORDER BY f.rowid ${dir(cursor)} LIMIT ?`;
  return all(cache, sql, [...where.params, cursor.limit]).map((r) => r.id);
}

/** Distinct methods starting with `prefix`, one index seek each (a skip scan of messages_method_id). */
export function methodsUnder(cache: StatementCache, prefix: string, max = MAX_MERGED_METHODS + 1): string[] {
  const [lo, hi] = prefixBounds(prefix);
  const sql = `WITH RECURSIVE found(method) AS (
      SELECT (SELECT min(method) FROM messages WHERE method >= @lo AND method < @hi)
      UNION ALL
      SELECT (SELECT min(method) FROM messages WHERE method > found.method AND method < @hi) FROM found WHERE found.method IS NOT NULL
      LIMIT @max
    ) SELECT method FROM found WHERE method IS NOT NULL`;
  return (cache.get(sql).all({ lo, hi, max }) as Array<{ method: string }>).map((r) => r.method);
}

function mergeIds(cache: StatementCache, filter: MessageFilter, methods: string[], cursor: Cursor): number[] {
  const ids = methods.flatMap((method) => selectIds(cache, { ...filter, method }, cursor));
  ids.sort(cursor.order === 'asc' ? (a, b) => a - b : (a, b) => b - a);
  return ids.slice(0, cursor.limit);
}

/** since/until: read only the id blocks whose time bounds overlap the range, in cursor order. */
function blockIds(cache: StatementCache, filter: MessageFilter, cursor: Cursor): number[] {
  const lowBlock = cursor.after === undefined ? 0 : Math.floor((cursor.after + 1) / BLOCK_SIZE);
  const highBlock = cursor.before === undefined ? Number.MAX_SAFE_INTEGER : Math.floor((cursor.before - 1) / BLOCK_SIZE);
  const blocks = cache
    .get(
      `SELECT block FROM message_blocks WHERE max_timestamp >= ? AND min_timestamp <= ? AND block >= ? AND block <= ? ORDER BY block ${dir(cursor)}`,
    )
    .pluck()
    .all(filter.since ?? Number.MIN_SAFE_INTEGER, filter.until ?? Number.MAX_SAFE_INTEGER, lowBlock, highBlock) as number[];
  const found: number[] = [];
  for (const block of blocks) {
    // One id range per block, already cut by the cursor: given two upper bounds
    // (the cursor's and the block's) SQLite seeks on one and may scan from the wrong one.
    const low = Math.max(block * BLOCK_SIZE, cursor.after === undefined ? 0 : cursor.after + 1);
    const high = Math.min(block * BLOCK_SIZE + BLOCK_SIZE - 1, cursor.before === undefined ? Number.MAX_SAFE_INTEGER : cursor.before - 1);
    const span: Fragment = { sql: 'm.id >= ? AND m.id <= ?', params: [low, high] };
    const inBlock = { order: cursor.order, limit: cursor.limit - found.length };
    found.push(...orderedIds(cache, filter, inBlock, [span]));
    if (found.length >= cursor.limit) break;
  }
  return found;
}

/**
 * minDurationMs: slow answers are either common (the id-ordered scan meets
 * enough of them at once) or rare (the duration index holds few). Both plans
 * run a chunk at a time, alternately, until one has the answer.
 */
function raceIds(cache: StatementCache, filter: MessageFilter, minDurationMs: number, cursor: Cursor): number[] {
  const rest: MessageFilter = { ...filter, minDurationMs: undefined };
  const equal = equalityConditions(rest);
  const desc = cursor.order === 'desc';

  const scanWhere = and([...equal, { sql: desc ? 'm.id < ?' : 'm.id > ?', params: [0] }, ...cursorConditions(desc ? { after: cursor.after } : { before: cursor.before })]);
  const scanSql = `SELECT m.id, +m.duration_ms >= ? AS hit FROM messages m WHERE ${scanWhere.sql} ORDER BY m.id ${dir(cursor)} LIMIT ${CHUNK}`;
  const cursorAt = equal.flatMap((f) => f.params).length; // index of the moving bound among the WHERE parameters
  let position = desc ? (cursor.before ?? Number.MAX_SAFE_INTEGER) : (cursor.after ?? 0);
  const scanned: number[] = [];

  const indexWhere = and([
    { sql: 'm.duration_ms >= ? AND (m.duration_ms > ? OR m.id > ?)', params: [] },
    ...equal,
    ...cursorConditions(cursor),
  ]);
  const indexSql = `SELECT m.id, m.duration_ms AS v FROM messages m INDEXED BY messages_duration WHERE ${indexWhere.sql} ORDER BY m.duration_ms, m.id LIMIT ${CHUNK}`;
  let lastValue = minDurationMs - 1;
  let lastId = 0;
  const indexed: number[] = [];

  for (;;) {
    const params = scanWhere.params.slice();
    params[cursorAt] = position;
    const rows = cache.get(scanSql).all(minDurationMs, ...params) as Array<{ id: number; hit: number }>;
    for (const row of rows) {
      if (row.hit === 1) scanned.push(row.id);
      if (scanned.length >= cursor.limit) return scanned;
    }
    if (rows.length < CHUNK) return scanned;
    position = rows[rows.length - 1]?.id ?? position;

    const chunk = cache.get(indexSql).all(Math.max(minDurationMs, lastValue), lastValue, lastId, ...indexWhere.params) as Array<{ id: number; v: number }>;
    for (const row of chunk) indexed.push(row.id);
    if (chunk.length < CHUNK) {
      indexed.sort(desc ? (a, b) => b - a : (a, b) => a - b);
      return indexed.slice(0, cursor.limit);
    }
    const last = chunk[chunk.length - 1];
    if (last) {
      lastValue = last.v;
      lastId = last.id;
    }
  }
}
