import type { SessionPage, SessionRecord } from '../types.js';
import { whereOf, type StatementCache } from './statements.js';

interface SessionDbRow {
  server: string;
  session_id: string;
  first_id: number;
  last_id: number;
  message_count: number;
  error_count: number;
  client_name: unknown;
  client_version: unknown;
  protocol_version: unknown;
  server_name: unknown;
  server_version: unknown;
  first_seen: number | null;
  last_seen: number | null;
}

// first/last seen are the times of the session's oldest and newest stored
// message, read through their ids (the sessions table keeps only the ids).
const SELECT = `SELECT s.*, f.timestamp AS first_seen, l.timestamp AS last_seen FROM sessions s
  LEFT JOIN messages f ON f.id = s.first_id LEFT JOIN messages l ON l.id = s.last_id`;

/** initialize fields are whatever JSON the client sent; keep strings, show anything else as text. */
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function toSessionRecord(row: SessionDbRow): SessionRecord {
  return {
    server: row.server,
    sessionId: row.session_id,
    clientName: text(row.client_name),
    clientVersion: text(row.client_version),
    protocolVersion: text(row.protocol_version),
    serverName: text(row.server_name),
    serverVersion: text(row.server_version),
    firstSeen: row.first_seen ?? 0,
    lastSeen: row.last_seen ?? 0,
    firstId: row.first_id,
    lastId: row.last_id,
    messageCount: row.message_count,
    errorCount: row.error_count,
  };
}

export interface SessionQuery {
  server?: string;
  /** Sessions whose newest message id is below this (the cursor of the previous page). */
  before?: number;
  limit: number;
}

/** Most recently active first; the cursor is the last session's `lastId`. */
export function listSessions(cache: StatementCache, query: SessionQuery): SessionPage {
  const { where, params } = whereOf([
    ['s.server = ?', query.server],
    ['s.last_id < ?', query.before],
  ]);
  const rows = cache.get(`${SELECT} ${where} ORDER BY s.last_id DESC LIMIT ?`).all(...params, query.limit + 1) as SessionDbRow[];
  const hasMore = rows.length > query.limit;
  const sessions = rows.slice(0, query.limit).map(toSessionRecord);
  const last = sessions[sessions.length - 1];
  return { sessions, hasMore, next: hasMore && last ? { before: last.lastId } : null };
}

/** The session with this id, on every server that has one by that id (normally one). */
export function findSessions(cache: StatementCache, sessionId: string, server?: string): SessionRecord[] {
  const rows =
    server === undefined
      ? cache.get(`${SELECT} WHERE s.session_id = ? ORDER BY s.last_id DESC`).all(sessionId)
      : cache.get(`${SELECT} WHERE s.session_id = ? AND s.server = ?`).all(sessionId, server);
  return (rows as SessionDbRow[]).map(toSessionRecord);
}
