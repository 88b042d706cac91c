import type { StatsRow } from '../types.js';
import { whereOf, type StatementCache } from './statements.js';

export interface StatsQuery {
  server?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  until?: number;
}

interface StatsDbRow {
  server: string;
  method: string | null;
  count: number;
  error_count: number;
  bytes: number;
  timed_count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 1000) / 1000);

/**
 * Per server and method: messages, errors, bytes, and duration percentiles of
 * the answers (continuous, interpolated between the two nearest answers).
 * Read from the covering index messages_stats alone; the table is never read.
 * Over everything that is one pass over the index. With a time range, one
 * pass would still read the whole index (it is keyed by server and method
 * first: 785 ms for the last hour at 10,000,000 rows), so each (server,
 * method) group is found by seeking, and only its entries in the range are read.
 */
export function messageStats(cache: StatementCache, query: StatsQuery): StatsRow[] {
  if (query.since === undefined && query.until === undefined) {
    const { where, params } = whereOf([['server = ?', query.server]]);
    return (cache.get(`${AGGREGATE} ${where} GROUP BY server, method ORDER BY server, method`).all(...params) as StatsDbRow[]).map(toStatsRow);
  }
  const range = `AND timestamp >= ? AND timestamp <= ?`;
  const bounds = [query.since ?? Number.MIN_SAFE_INTEGER, query.until ?? Number.MAX_SAFE_INTEGER];
  const rows: StatsRow[] = [];
  for (const { server, method } of groups(cache, query.server)) {
    const row = cache.get(`${AGGREGATE} WHERE server = ? AND method IS ? ${range}`).get(server, method, ...bounds) as StatsDbRow;
    if (row.count > 0) rows.push(toStatsRow({ ...row, server, method }));
  }
  return rows;
}

const AGGREGATE = `SELECT server, method, count(*) AS count, total(is_error) AS error_count, total(size) AS bytes,
      count(duration_ms) AS timed_count,
      percentile_cont(duration_ms, 0.5) AS p50, percentile_cont(duration_ms, 0.95) AS p95, percentile_cont(duration_ms, 0.99) AS p99
    FROM messages INDEXED BY messages_stats`;

/**
 * The (server, method) pairs present, in index order, one seek each (a skip
 * scan by hand: the planner only does one with statistics, and the gateway
 * never runs ANALYZE). A null method sorts first.
 */
function groups(cache: StatementCache, only: string | undefined): Array<{ server: string; method: string | null }> {
  const nextServer = cache.get('SELECT server FROM messages INDEXED BY messages_stats WHERE server > ? ORDER BY server LIMIT 1').pluck();
  const hasNull = cache.get('SELECT 1 FROM messages INDEXED BY messages_stats WHERE server = ? AND method IS NULL LIMIT 1').pluck();
  const nextMethod = cache.get('SELECT method FROM messages INDEXED BY messages_stats WHERE server = ? AND method > ? ORDER BY server, method LIMIT 1').pluck();
  const firstMethod = cache.get('SELECT method FROM messages INDEXED BY messages_stats WHERE server = ? AND method >= \'\' ORDER BY server, method LIMIT 1').pluck();
  const servers: string[] = [];
  if (only !== undefined) servers.push(only);
  else for (let s = nextServer.get('') as string | undefined; s !== undefined; s = nextServer.get(s) as string | undefined) servers.push(s);
  const out: Array<{ server: string; method: string | null }> = [];
  for (const server of servers) {
    if (hasNull.get(server) !== undefined) out.push({ server, method: null });
    for (let m = firstMethod.get(server) as string | undefined; m !== undefined; m = nextMethod.get(server, m) as string | undefined) out.push({ server, method: m });
  }
  return out;
}

function toStatsRow(row: StatsDbRow): StatsRow {
  return {
    server: row.server,
    method: row.method,
    count: row.count,
    errorCount: row.error_count,
    bytes: row.bytes,
    timedCount: row.timed_count,
    p50Ms: round(row.p50),
    p95Ms: round(row.p95),
    p99Ms: round(row.p99),
  };
}
