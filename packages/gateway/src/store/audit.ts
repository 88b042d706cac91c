// The audit table: reading and appending. The gateway appends through its
// batching writer (store/audit-log.ts); the CLI, when no gateway runs, appends
// here directly. Rows are never updated or deleted (triggers refuse it).
import type Database from 'better-sqlite3';
import { whereOf } from './statements.js';

export const AUDIT_EVENTS = [
  'server.added',
  'server.changed',
  'server.removed',
  'logs.cleared',
  'logs.pruned',
  'logs.exported',
  'logs.imported',
  'token.refused',
  'request.refused',
  'message.replayed',
  'session.verified',
  'token.rotated',
  'baseline.accepted',
  'fault.added',
  'fault.changed',
  'fault.removed',
  'faults.cleared',
  'breakpoint.resolved',
] as const;

export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** Who made the change: a call to the API, the CLI working on the files directly, or the gateway itself (a file edit it noticed, retention, refusals). */
export type AuditSource = 'api' | 'cli' | 'gateway';

/**
 * Flat values only, and by convention only names, counts, ids and reasons: a
 * nested object is where a body, a header value or a tool argument would hide.
 */
export type AuditDetail = Record<string, string | number | boolean | null | string[]>;

export interface AuditEntry {
  /** Unix epoch milliseconds. */
  timestamp: number;
  event: AuditEvent;
  /** What it is about: a server name, a refusal reason; null when nothing in particular. */
  subject: string | null;
  detail: AuditDetail;
  source: AuditSource;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditPage {
  entries: AuditRecord[];
  hasMore: boolean;
  /** Pass as `before` for the next (older) page. */
  next: { before: number } | null;
}

export interface AuditQuery {
  event?: AuditEvent;
  since?: number;
  until?: number;
  /** Only entries with smaller ids (the next page). */
  before?: number;
  limit: number;
}

interface AuditDbRow {
  id: number;
  timestamp: number;
  event: AuditEvent;
  subject: string | null;
  detail: string;
  source: AuditSource;
}

/** Inserts one entry (the writer's and the CLI's single way in). */
export function prepareAuditInsert(sqlite: Database.Database): (entry: AuditEntry) => void {
  const statement = sqlite.prepare('INSERT INTO audit (timestamp, event, subject, detail, source) VALUES (?, ?, ?, ?, ?)');
  return (entry) => {
    statement.run(entry.timestamp, entry.event, entry.subject, JSON.stringify(entry.detail), entry.source);
  };
}

/** Appends one entry now, outside any writer (the CLI with no gateway running). */
export function appendAudit(sqlite: Database.Database, entry: Omit<AuditEntry, 'timestamp'>): void {
  prepareAuditInsert(sqlite)({ timestamp: Date.now(), ...entry });
}

/** Newest first, cut by an id cursor. A database from before the audit table (opened read-only) has no entries. */
export function readAudit(sqlite: Database.Database, query: AuditQuery): AuditPage {
  if (!sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get()) {
    return { entries: [], hasMore: false, next: null };
  }
  const { where, params } = whereOf([
    ['event = ?', query.event],
    ['timestamp >= ?', query.since],
    ['timestamp <= ?', query.until],
    ['id < ?', query.before],
  ]);
  const rows = sqlite.prepare(`SELECT * FROM audit ${where} ORDER BY id DESC LIMIT ?`).all(...params, query.limit + 1) as AuditDbRow[];
  const hasMore = rows.length > query.limit;
  const entries = rows.slice(0, query.limit).map((row) => ({ ...row, detail: JSON.parse(row.detail) as AuditDetail }));
  const last = entries[entries.length - 1];
  return { entries, hasMore, next: hasMore && last ? { before: last.id } : null };
}
