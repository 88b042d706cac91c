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
import { MESSAGE_BLOCK_SIZE } from './schema.js';

export interface PlanTuning {
  /** Rows the id-ordered scan of minDurationMs reads per turn of the race (the index's first budget is twice that). */
  scanChunk: number;
}

const DEFAULT_TUNING: PlanTuning = { scanChunk: 4096 };
/** More distinct methods than this under one prefix: read the prefix as one range instead of merging. */
const MAX_MERGED_METHODS = 64;

export function selectIds(cache: StatementCache, filter: MessageFilter, cursor: Cursor, tuning: PlanTuning = DEFAULT_TUNING): number[] {
  if (cursor.limit <= 0) return [];
  const match = matchOf(filter);
  if (match === false) return [];
  if (match !== null) return ftsIds(cache, filter, match, cursor);
  const prefix = methodPrefix(filter.method);
  if (prefix !== null) {
    const methods = methodsUnder(cache, prefix);
    if (methods.length <= MAX_MERGED_METHODS) return mergeIds(cache, filter, methods, cursor, tuning);
  }
  if (filter.since !== undefined || filter.until !== undefined) return blockIds(cache, filter, cursor);
  if (filter.minDurationMs !== undefined) return raceIds(cache, filter, filter.minDurationMs, cursor, tuning.scanChunk);
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

function mergeIds(cache: StatementCache, filter: MessageFilter, methods: string[], cursor: Cursor, tuning: PlanTuning): number[] {
  const ids = methods.flatMap((method) => selectIds(cache, { ...filter, method }, cursor, tuning));
  ids.sort(cursor.order === 'asc' ? (a, b) => a - b : (a, b) => b - a);
  return ids.slice(0, cursor.limit);
}

/** since/until: read only the id blocks whose time bounds overlap the range, in cursor order. */
function blockIds(cache: StatementCache, filter: MessageFilter, cursor: Cursor): number[] {
  const lowBlock = cursor.after === undefined ? 0 : Math.floor((cursor.after + 1) / MESSAGE_BLOCK_SIZE);
  const highBlock = cursor.before === undefined ? Number.MAX_SAFE_INTEGER : Math.floor((cursor.before - 1) / MESSAGE_BLOCK_SIZE);
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
    const low = Math.max(block * MESSAGE_BLOCK_SIZE, cursor.after === undefined ? 0 : cursor.after + 1);
    const high = Math.min(block * MESSAGE_BLOCK_SIZE + MESSAGE_BLOCK_SIZE - 1, cursor.before === undefined ? Number.MAX_SAFE_INTEGER : cursor.before - 1);
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
 * run alternately, a bounded amount at a time, until one has the answer.
 * Rows are filtered, counted and sorted in SQL and only the matches come back
 * to JavaScript: turning a row into a JS value costs ~20x what reading it does.
 */
function raceIds(cache: StatementCache, filter: MessageFilter, minDurationMs: number, cursor: Cursor, scanChunk: number): number[] {
  const rest: MessageFilter = { ...filter, minDurationMs: undefined };
  const equal = equalityConditions(rest);
  const desc = cursor.order === 'desc';

  // The scan: the next `scanChunk` rows in cursor order from `position`; returns
  // the first matches still wanted (hit = 1) and one summary row (hit = 0) with
  // the last id read and how many rows were read.
  const scanWhere = and([...equal, { sql: desc ? 'm.id < ?' : 'm.id > ?', params: [0] }, ...cursorConditions(desc ? { after: cursor.after } : { before: cursor.before })]);
  const scanSql = `WITH chunk AS MATERIALIZED (
      SELECT m.id, +m.duration_ms >= ? AS hit FROM messages m WHERE ${scanWhere.sql} ORDER BY m.id ${dir(cursor)} LIMIT ${scanChunk})
    SELECT id, 1 AS hit, 0 AS n FROM (SELECT id FROM chunk WHERE hit ORDER BY id ${dir(cursor)} LIMIT ?)
    UNION ALL SELECT ${desc ? 'min' : 'max'}(id), 0, count(*) FROM chunk`;
  const cursorAt = equal.flatMap((f) => f.params).length; // index of the moving bound among the WHERE parameters
  let position = desc ? (cursor.before ?? Number.MAX_SAFE_INTEGER) : (cursor.after ?? 0);
  const scanned: number[] = [];

  // The index: the first `budget` matches in duration order, cut to the page in
  // id order; complete when fewer than `budget` were found. It starts over with
  // twice the budget each round, so it reads at most about twice what it needs.
  const indexWhere = and([{ sql: 'm.duration_ms >= ?', params: [minDurationMs] }, ...equal, ...cursorConditions(cursor)]);
  const indexSql = `WITH found AS MATERIALIZED (
      SELECT m.id FROM messages m INDEXED BY messages_duration WHERE ${indexWhere.sql} LIMIT ?)
    SELECT id, 1 AS hit FROM (SELECT id FROM found ORDER BY id ${dir(cursor)} LIMIT ?)
    UNION ALL SELECT count(*), 0 FROM found`;
  let budget = 2 * scanChunk;

  const byCursor = desc ? (a: number, b: number) => b - a : (a: number, b: number) => a - b;
  for (;;) {
    const params = scanWhere.params.slice();
    params[cursorAt] = position;
    const rows = cache.get(scanSql).raw().all(minDurationMs, ...params, cursor.limit - scanned.length) as Array<[number | null, number, number]>;
    let last: number | null = null;
    let read = 0;
    const hits: number[] = [];
    for (const [id, hit, n] of rows) {
      if (hit === 1) hits.push(id as number);
      else [last, read] = [id, n];
    }
    for (const id of hits.sort(byCursor)) {
      scanned.push(id);
      if (scanned.length >= cursor.limit) return scanned;
    }
    if (read < scanChunk || last === null) return scanned;
    position = last;

    const found = cache.get(indexSql).raw().all(...indexWhere.params, budget, cursor.limit) as Array<[number, number]>;
    const count = found.find((r) => r[1] === 0)?.[0] ?? 0;
    if (count < budget) return found.filter((r) => r[1] === 1).map((r) => r[0]).sort(byCursor);
    budget *= 2;
  }
}
