// The alerts tables (schema.ts: alerts, alert_sightings): the upsert the batch
// writer applies for the analyzer, and the reads of the API, the CLI and the
// analyzer when it starts.
import type Database from 'better-sqlite3';
import type { Alert, AlertKind, AlertMarks, AlertSeverity } from '../types.js';
import { whereOf } from './statements.js';

export const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'high'];

/** One sighting of an alert: the alert as it now is (new, or with lastSeen, seen and where it was last seen updated). */
export interface AlertWrite {
  alert: Alert;
  dedupKey: string;
  sighting: { messageId: number; sessionId: string | null; timestamp: number };
}

export function prepareAlertWrites(sqlite: Database.Database): (write: AlertWrite) => void {
  const upsert = sqlite.prepare(
    `INSERT INTO alerts (id, dedup_key, kind, rule, severity, server, session_id, message_id, path, match_text, match_start, match_end,
       decoded, before, after, first_seen, last_seen, seen)
     VALUES (@id, @dedupKey, @kind, @rule, @severity, @server, @session, @messageId, @path, @matchText, @matchStart, @matchEnd,
       @decoded, @before, @after, @firstSeen, @lastSeen, @seen)
     ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, message_id = excluded.message_id, path = excluded.path,
       last_seen = excluded.last_seen, seen = excluded.seen`,
  );
  const sighting = sqlite.prepare('INSERT OR IGNORE INTO alert_sightings (alert_id, message_id, session_id, timestamp) VALUES (?, ?, ?, ?)');
  return ({ alert, dedupKey, sighting: s }) => {
    upsert.run({
      id: alert.id,
      dedupKey,
      kind: alert.kind,
      rule: alert.rule,
      severity: alert.severity,
      server: alert.server,
      session: alert.session,
      messageId: alert.messageId,
      path: alert.path,
      matchText: alert.match?.text ?? null,
      matchStart: alert.match?.start ?? null,
      matchEnd: alert.match?.end ?? null,
      decoded: alert.decoded,
      before: alert.before,
      after: alert.after,
      firstSeen: alert.firstSeen,
      lastSeen: alert.lastSeen,
      seen: alert.seen,
    });
    sighting.run(alert.id, s.messageId, s.sessionId, s.timestamp);
  };
}

interface AlertDbRow {
  id: number;
  dedup_key: string;
  kind: AlertKind;
  rule: string;
  severity: AlertSeverity;
  server: string;
  session_id: string | null;
  message_id: number | null;
  path: string | null;
  match_text: string | null;
  match_start: number | null;
  match_end: number | null;
  decoded: string | null;
  before: string | null;
  after: string | null;
  first_seen: number;
  last_seen: number;
  seen: number;
}

function toAlert(row: AlertDbRow): Alert {
  return {
    id: row.id,
    kind: row.kind,
    rule: row.rule,
    severity: row.severity,
    server: row.server,
    session: row.session_id,
    messageId: row.message_id,
    path: row.path,
    match: row.match_text === null ? null : { text: row.match_text, start: row.match_start ?? 0, end: row.match_end ?? 0 },
    decoded: row.decoded,
    before: row.before,
    after: row.after,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    seen: row.seen,
  };
}

export interface AlertQuery {
  server?: string;
  /** This severity or higher. */
  severity?: AlertSeverity;
  kind?: AlertKind;
  /** Alerts last seen at or after this time (epoch ms). */
  since?: number;
  /** Only alerts with smaller ids (the next page). */
  before?: number;
  /** Only alerts seen in this message. */
  message?: number;
  limit: number;
}

function hasAlerts(sqlite: Database.Database): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").get() !== undefined;
}

/** Newest first (by when they were first raised). A database from before alerts has none. */
export function readAlerts(sqlite: Database.Database, query: AlertQuery): Alert[] {
  if (!hasAlerts(sqlite)) return [];
  const severities = query.severity === undefined ? undefined : JSON.stringify(SEVERITIES.slice(SEVERITIES.indexOf(query.severity)));
  const { where, params } = whereOf([
    ['server = ?', query.server],
    ['severity IN (SELECT value FROM json_each(?))', severities],
    ['kind = ?', query.kind],
    ['last_seen >= ?', query.since],
    ['id < ?', query.before],
    ['id IN (SELECT alert_id FROM alert_sightings WHERE message_id = ?)', query.message],
  ]);
  const rows = sqlite.prepare(`SELECT * FROM alerts ${where} ORDER BY id DESC LIMIT ?`).all(...params, query.limit) as AlertDbRow[];
  return rows.map(toAlert);
}

/** Every alert with its dedup key: the analyzer's index when it starts. */
export function readAlertIndex(sqlite: Database.Database): Array<{ dedupKey: string; alert: Alert }> {
  if (!hasAlerts(sqlite)) return [];
  return (sqlite.prepare('SELECT * FROM alerts ORDER BY id').all() as AlertDbRow[]).map((row) => ({ dedupKey: row.dedup_key, alert: toAlert(row) }));
}

/** Messages with alerts, newest first, with the highest severity among them. */
export function readAlertMarks(sqlite: Database.Database, query: { after?: number; limit: number }): AlertMarks {
  if (!hasAlerts(sqlite)) return { marks: [] };
  const rows = sqlite
    .prepare(
      `SELECT s.message_id AS messageId, max(CASE a.severity WHEN 'high' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END) AS level, count(*) AS alerts
       FROM alert_sightings s JOIN alerts a ON a.id = s.alert_id
       WHERE s.message_id > ? GROUP BY s.message_id ORDER BY s.message_id DESC LIMIT ?`,
    )
    .all(query.after ?? 0, query.limit) as Array<{ messageId: number; level: number; alerts: number }>;
  return { marks: rows.map((r) => ({ messageId: r.messageId, severity: SEVERITIES[r.level] as AlertSeverity, alerts: r.alerts })) };
}
