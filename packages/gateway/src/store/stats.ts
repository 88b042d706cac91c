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
 * One pass over the covering index messages_stats; the table is never read.
 */
export function messageStats(cache: StatementCache, query: StatsQuery): StatsRow[] {
  const { where, params } = whereOf([
    ['server = ?', query.server],
    ['timestamp >= ?', query.since],
    ['timestamp <= ?', query.until],
  ]);
  const sql = `SELECT server, method, count(*) AS count, total(is_error) AS error_count, total(size) AS bytes,
      count(duration_ms) AS timed_count,
      percentile_cont(duration_ms, 0.5) AS p50, percentile_cont(duration_ms, 0.95) AS p95, percentile_cont(duration_ms, 0.99) AS p99
    FROM messages INDEXED BY messages_stats ${where} GROUP BY server, method ORDER BY server, method`;
  return (cache.get(sql).all(...params) as StatsDbRow[]).map((row) => ({
    server: row.server,
    method: row.method,
    count: row.count,
    errorCount: row.error_count,
    bytes: row.bytes,
    timedCount: row.timed_count,
    p50Ms: round(row.p50),
    p95Ms: round(row.p95),
    p99Ms: round(row.p99),
  }));
}
