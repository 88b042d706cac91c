import type Database from 'better-sqlite3';
import type { StderrLine } from '../types.js';

export interface StderrQuery {
  server: string;
  session?: string;
  /** Lines after this id, oldest first; without it, the newest `limit` lines. */
  after?: number;
  limit: number;
}

interface StderrRow {
  id: number;
  timestamp: number;
  server: string;
  session_id: string | null;
  line: string;
}

/** What a stdio server wrote to stderr, oldest first. */
export function readStderr(sqlite: Database.Database, query: StderrQuery): StderrLine[] {
  // better-sqlite3 refuses named values the statement does not use: pass only those it does.
  const params: Record<string, string | number> = { server: query.server, limit: query.limit };
  let where = 'server = @server';
  if (query.session !== undefined) {
    where += ' AND session_id = @session';
    params.session = query.session;
  }
  if (query.after !== undefined) {
    where += ' AND id > @after';
    params.after = query.after;
  }
  const sql =
    query.after === undefined
      ? `SELECT * FROM (SELECT * FROM stderr_lines WHERE ${where} ORDER BY id DESC LIMIT @limit) ORDER BY id`
      : `SELECT * FROM stderr_lines WHERE ${where} ORDER BY id LIMIT @limit`;
  const rows = sqlite.prepare(sql).all(params) as StderrRow[];
  return rows.map((r) => ({ id: r.id, timestamp: r.timestamp, server: r.server, sessionId: r.session_id, line: r.line }));
}
