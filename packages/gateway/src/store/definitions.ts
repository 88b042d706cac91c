// The definitions tables (schema.ts: definition_sets, definition_snapshots,
// definition_baselines, analysis_state): what the batch writer applies for the
// analyzer, what the analyzer reads back when it starts, and what the API and
// the CLI read. Accepting a baseline is the one write from outside the writer.
import type Database from 'better-sqlite3';
import type { DefinitionBaseline, DefinitionEntry, DefinitionHistory, DefinitionKind, DefinitionSet, DefinitionVersion, MessageRecord } from '../types.js';

/** The part of a stored message the analyzer needs. */
export type AnalysisRow = Pick<MessageRecord, 'id' | 'timestamp' | 'server' | 'sessionId' | 'direction' | 'kind' | 'method' | 'pairedId' | 'body' | 'truncated' | 'origin'>;

/** Who a session's client said it was. */
export interface ClientInfo {
  name: string | null;
  version: string | null;
}

export interface DefinitionSetRow {
  hash: string;
  kind: DefinitionKind;
  entries: DefinitionEntry[];
}

export interface DefinitionSnapshotRow {
  timestamp: number;
  server: string;
  sessionId: string | null;
  clientName: string | null;
  clientVersion: string | null;
  serverVersion: string | null;
  kind: DefinitionKind;
  setHash: string;
  messageId: number;
}

export interface BaselineRow {
  server: string;
  kind: DefinitionKind;
  setHash: string;
  acceptedAt: number;
  source: DefinitionBaseline['source'];
  sessionId: string | null;
  messageId: number | null;
}

const WATERMARK = 'analyzed-through';

export interface DefinitionWrites {
  set(row: DefinitionSetRow): void;
  snapshot(row: DefinitionSnapshotRow): void;
  baseline(row: BaselineRow): void;
  mark(messageId: number): void;
}

export function prepareDefinitionWrites(sqlite: Database.Database): DefinitionWrites {
  const insertSet = sqlite.prepare('INSERT OR IGNORE INTO definition_sets (hash, kind, entries, count) VALUES (?, ?, ?, ?)');
  const insertSnapshot = sqlite.prepare(
    `INSERT INTO definition_snapshots (timestamp, server, session_id, client_name, client_version, server_version, kind, set_hash, message_id)
     VALUES (@timestamp, @server, @sessionId, @clientName, @clientVersion, @serverVersion, @kind, @setHash, @messageId)`,
  );
  const upsertBaseline = sqlite.prepare(
    `INSERT INTO definition_baselines (server, kind, set_hash, accepted_at, source, session_id, message_id)
     VALUES (@server, @kind, @setHash, @acceptedAt, @source, @sessionId, @messageId)
     ON CONFLICT (server, kind) DO UPDATE SET set_hash = excluded.set_hash, accepted_at = excluded.accepted_at,
       source = excluded.source, session_id = excluded.session_id, message_id = excluded.message_id`,
  );
  const setMark = sqlite.prepare(
    'INSERT INTO analysis_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)',
  );
  return {
    set: (row) => insertSet.run(row.hash, row.kind, JSON.stringify(row.entries), row.entries.length),
    snapshot: (row) => insertSnapshot.run(row),
    baseline: (row) => upsertBaseline.run(row),
    mark: (messageId) => setMark.run(WATERMARK, messageId),
  };
}

/** A database from before these tables (opened read-only, unmigrated) has none of this. */
function hasTables(sqlite: Database.Database): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'definition_baselines'").get() !== undefined;
}

interface BaselineDbRow {
  server: string;
  kind: DefinitionKind;
  set_hash: string;
  accepted_at: number;
  source: DefinitionBaseline['source'];
  session_id: string | null;
  message_id: number | null;
  count: number | null;
}

export function readBaselineRows(sqlite: Database.Database, server?: string): Array<BaselineRow & { count: number }> {
  if (!hasTables(sqlite)) return [];
  const rows = sqlite
    .prepare(
      `SELECT b.*, s.count FROM definition_baselines b LEFT JOIN definition_sets s ON s.hash = b.set_hash
       ${server === undefined ? '' : 'WHERE b.server = ?'} ORDER BY b.server, b.kind`,
    )
    .all(...(server === undefined ? [] : [server])) as BaselineDbRow[];
  return rows.map((r) => ({
    server: r.server,
    kind: r.kind,
    setHash: r.set_hash,
    acceptedAt: r.accepted_at,
    source: r.source,
    sessionId: r.session_id,
    messageId: r.message_id,
    count: r.count ?? 0,
  }));
}

const toBaseline = (row: BaselineRow & { count: number }): DefinitionBaseline => ({
  kind: row.kind,
  hash: row.setHash,
  acceptedAt: row.acceptedAt,
  source: row.source,
  session: row.sessionId,
  messageId: row.messageId,
  count: row.count,
});

export function readDefinitionSet(sqlite: Database.Database, hash: string): DefinitionSet | null {
  if (!hasTables(sqlite)) return null;
  const row = sqlite.prepare('SELECT hash, kind, entries FROM definition_sets WHERE hash = ?').get(hash) as
    | { hash: string; kind: DefinitionKind; entries: string }
    | undefined;
  return row ? { hash: row.hash, kind: row.kind, entries: JSON.parse(row.entries) as DefinitionEntry[] } : null;
}

/** Every distinct version of each of the server's lists, oldest first, with the baselines. */
export function readDefinitionHistory(sqlite: Database.Database, server: string): DefinitionHistory {
  if (!hasTables(sqlite)) return { server, baselines: [], versions: [] };
  const rows = sqlite
    .prepare(
      `SELECT p.kind, p.set_hash AS hash, s.count, min(p.timestamp) AS firstSeen, max(p.timestamp) AS lastSeen, count(*) AS sessions,
              min(p.message_id) AS firstMessageId, max(p.message_id) AS lastMessageId,
              json_group_array(DISTINCT trim(coalesce(p.client_name, '?') || ' ' || coalesce(p.client_version, ''))) AS clients
       FROM definition_snapshots p JOIN definition_sets s ON s.hash = p.set_hash
       WHERE p.server = ? GROUP BY p.kind, p.set_hash ORDER BY min(p.id)`,
    )
    .all(server) as Array<Omit<DefinitionVersion, 'clients'> & { clients: string }>;
  const versions = rows.map((r) => ({ ...r, clients: JSON.parse(r.clients) as string[] }));
  return { server, baselines: readBaselineRows(sqlite, server).map(toBaseline), versions };
}

/** Servers with any recorded definitions. */
export function serversWithDefinitions(sqlite: Database.Database): string[] {
  if (!hasTables(sqlite)) return [];
  return (sqlite.prepare('SELECT DISTINCT server FROM definition_snapshots ORDER BY server').all() as Array<{ server: string }>).map((r) => r.server);
}

/**
 * Makes the server's most recent complete lists (one per kind) its baseline.
 * Returns the new baselines; none when nothing of the server was recorded.
 * Runs on the caller's connection: the gateway calls it inside Writer.exclusive.
 */
export function acceptBaselines(sqlite: Database.Database, server: string, source: 'api' | 'cli', now = Date.now()): DefinitionBaseline[] {
  const latest = sqlite
    .prepare(
      `SELECT p.kind, p.set_hash AS setHash, p.session_id AS sessionId, p.message_id AS messageId FROM definition_snapshots p
       WHERE p.id IN (SELECT max(id) FROM definition_snapshots WHERE server = ? GROUP BY kind)`,
    )
    .all(server) as Array<{ kind: DefinitionKind; setHash: string; sessionId: string | null; messageId: number }>;
  const writes = prepareDefinitionWrites(sqlite);
  sqlite.transaction(() => {
    for (const row of latest) writes.baseline({ server, kind: row.kind, setHash: row.setHash, acceptedAt: now, source, sessionId: row.sessionId, messageId: row.messageId });
  })();
  return readBaselineRows(sqlite, server).map(toBaseline);
}

/** The latest tools list of each server: who has which tool, for the shadowing rule. */
export function latestToolNames(sqlite: Database.Database): Map<string, string[]> {
  const rows = sqlite
    .prepare(
      `SELECT p.server, s.entries FROM definition_snapshots p JOIN definition_sets s ON s.hash = p.set_hash
       WHERE p.id IN (SELECT max(id) FROM definition_snapshots WHERE kind = 'tools' GROUP BY server)`,
    )
    .all() as Array<{ server: string; entries: string }>;
  return new Map(rows.map((r) => [r.server, (JSON.parse(r.entries) as DefinitionEntry[]).map((e) => e.key)]));
}

export function readWatermark(sqlite: Database.Database): number | null {
  const row = sqlite.prepare('SELECT value FROM analysis_state WHERE key = ?').get(WATERMARK) as { value: number } | undefined;
  return row?.value ?? null;
}

interface AnalysisDbRow {
  id: number;
  timestamp: number;
  server: string;
  session_id: string | null;
  direction: AnalysisRow['direction'];
  kind: AnalysisRow['kind'];
  method: string | null;
  paired_id: number | null;
  body: string;
  truncated: number;
  origin: AnalysisRow['origin'];
}

const toAnalysisRow = (r: AnalysisDbRow): AnalysisRow => ({
  id: r.id,
  timestamp: r.timestamp,
  server: r.server,
  sessionId: r.session_id,
  direction: r.direction,
  kind: r.kind,
  method: r.method,
  pairedId: r.paired_id,
  body: r.body,
  truncated: r.truncated === 1,
  origin: r.origin,
});

const ANALYSIS_COLUMNS = 'id, timestamp, server, session_id, direction, kind, method, paired_id, body, truncated, origin';

/** Stored messages of these methods after `after` (up to `through`), in id order: the analyzer catching up after a restart or an import. */
export function analysisRowsAfter(sqlite: Database.Database, methods: readonly string[], after: number, limit: number, through = Number.MAX_SAFE_INTEGER): AnalysisRow[] {
  const rows = sqlite
    .prepare(`SELECT ${ANALYSIS_COLUMNS} FROM messages WHERE id > ? AND id <= ? AND method IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`)
    .all(after, through, JSON.stringify(methods), limit) as AnalysisDbRow[];
  return rows.map(toAnalysisRow);
}

export function analysisRowById(sqlite: Database.Database, id: number): AnalysisRow | undefined {
  const row = sqlite.prepare(`SELECT ${ANALYSIS_COLUMNS} FROM messages WHERE id = ?`).get(id) as AnalysisDbRow | undefined;
  return row ? toAnalysisRow(row) : undefined;
}

export function storedSessionClient(sqlite: Database.Database, server: string, session: string): ClientInfo | null {
  const row = sqlite.prepare('SELECT client_name AS name, client_version AS version FROM sessions WHERE server = ? AND session_id = ?').get(server, session) as
    | ClientInfo
    | undefined;
  return row && (row.name !== null || row.version !== null) ? row : null;
}
