import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// One row per JSON-RPC message. Ids are assigned by the gateway (see writer.ts)
// so that a request and its response can point at each other in one batch.
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    timestamp: integer('timestamp').notNull(),
    server: text('server').notNull(),
    sessionId: text('session_id'),
    direction: text('direction', { enum: ['client_to_server', 'server_to_client'] }).notNull(),
    kind: text('kind', { enum: ['request', 'response', 'notification', 'error', 'invalid'] }).notNull(),
    method: text('method'),
    // JSON text of the id, so 1 and "1" stay distinct.
    jsonrpcId: text('jsonrpc_id'),
    pairedId: integer('paired_id'),
    // The request a message belongs to without answering it: progress and
    // cancellation notifications, a retried input_required request, an abort.
    relatedId: integer('related_id'),
    durationMs: real('duration_ms'),
    httpStatus: integer('http_status'),
    exchangeId: integer('exchange_id'),
    stream: text('stream'),
    sseEventId: text('sse_event_id'),
    size: integer('size').notNull(),
    body: text('body').notNull(),
    truncated: integer('truncated', { mode: 'boolean' }).notNull().default(false),
    isError: integer('is_error', { mode: 'boolean' }).notNull().default(false),
    // Comma-separated rule ids; empty when nothing was redacted.
    redactions: text('redactions').notNull().default(''),
    // Who sent it: a real client through the proxy, or the gateway replaying a recorded request.
    origin: text('origin', { enum: ['client', 'replay'] }).notNull().default('client'),
    // On a replayed request: the recorded request it re-sends.
    replayOf: integer('replay_of'),
    // The fault rule whose effect the row records (faults/); null for traffic no rule touched.
    injected: text('injected'),
  },
  (t) => [
    index('messages_server_id').on(t.server, t.id),
    // Replayed rows are few: a partial index finds them (origin:replay) and a request's replays.
    index('messages_replay').on(t.id).where(sql`${t.origin} = 'replay'`),
    index('messages_replay_of').on(t.replayOf).where(sql`${t.replayOf} IS NOT NULL`),
    // Injected rows are few (fault rules are off by default): a partial index finds them.
    index('messages_injected').on(t.injected, t.id).where(sql`${t.injected} IS NOT NULL`),
    // Partial where the column is often null: a filter on it (col = ?) implies
    // NOT NULL, and rows without a value cost no index entry (migration 0010).
    index('messages_session_id').on(t.sessionId, t.id).where(sql`${t.sessionId} IS NOT NULL`),
    index('messages_method_id').on(t.method, t.id),
    index('messages_timestamp').on(t.timestamp),
    index('messages_exchange').on(t.exchangeId),
    index('messages_related').on(t.relatedId).where(sql`${t.relatedId} IS NOT NULL`),
    // Every single-filter list query is an index range scan read in id order
    // (WHERE col = ? AND id < ? ORDER BY id DESC LIMIT n); see message-queries.ts.
    index('messages_kind_id').on(t.kind, t.id),
    // Direction: only the client's side is indexed. Every client request gets an
    // answer, so server-to-client rows are never rare and the id-ordered primary
    // key scan meets them at once; client rows can be (an SSE notification flood
    // sends hundreds of server rows per client row), and then need the index.
    index('messages_from_client').on(t.id).where(sql`${t.direction} = 'client_to_server'`),
    index('messages_status_id').on(t.httpStatus, t.id).where(sql`${t.httpStatus} IS NOT NULL`),
    index('messages_jsonrpc_id').on(t.jsonrpcId, t.id).where(sql`${t.jsonrpcId} IS NOT NULL`),
    index('messages_errors').on(t.id).where(sql`${t.isError} = 1`),
    // Range filters (minDurationMs) race this index against the id-ordered scan.
    index('messages_duration').on(t.durationMs).where(sql`${t.durationMs} IS NOT NULL`),
    // Covers /api/stats: counts, errors, bytes and percentiles without reading the table.
    // Keyed by time after (server, method), not by duration: new rows then land at the
    // end of their group, on a few pages that stay in the cache, instead of anywhere.
    index('messages_stats').on(t.server, t.method, t.timestamp, t.durationMs, t.isError, t.size),
  ],
);

// One row per HTTP exchange between client and gateway; messages link to it.
export const exchanges = sqliteTable(
  'exchanges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    server: text('server').notNull(),
    sessionId: text('session_id'),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status'),
    // JSON objects, already redacted.
    requestHeaders: text('request_headers').notNull(),
    responseHeaders: text('response_headers').notNull().default('{}'),
    receivedAt: real('received_at').notNull(),
    upstreamFirstByteAt: real('upstream_first_byte_at'),
    doneAt: real('done_at'),
    error: text('error'),
  },
  (t) => [index('exchanges_server_id').on(t.server, t.id)],
);

// What stdio servers write to stderr, per session, redacted and bounded.
export const stderrLines = sqliteTable(
  'stderr_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    timestamp: integer('timestamp').notNull(),
    server: text('server').notNull(),
    sessionId: text('session_id'),
    line: text('line').notNull(),
  },
  (t) => [index('stderr_server_id').on(t.server, t.id)],
);

// One row per (server, session): counts, the first and last message, and what
// initialize said. Kept in the same transaction as the messages: inserts by
// the batch writer and imports (derived.ts, once per batch), a session assigned
// later and deletes by triggers (migrations 0004, 0007).
export const sessions = sqliteTable(
  'sessions',
  {
    server: text('server').notNull(),
    sessionId: text('session_id').notNull(),
    firstId: integer('first_id').notNull(),
    lastId: integer('last_id').notNull(),
    messageCount: integer('message_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    clientName: text('client_name'),
    clientVersion: text('client_version'),
    protocolVersion: text('protocol_version'),
    serverName: text('server_name'),
    serverVersion: text('server_version'),
  },
  (t) => [primaryKey({ columns: [t.server, t.sessionId] }), index('sessions_last_id').on(t.lastId)],
);

// A zone map of messages: the oldest and newest timestamp in each block of
// 1,024 ids (block = id >> 10), widened once per batch of inserts (derived.ts).
// Time filters (since/until) read only the blocks that can hold a match, in id
// order, so they stay fast whatever the id/time order (imports add old
// timestamps under new ids). Deletes leave the bounds wider than the rows
// left, which is still safe; a clear drops blocks that became empty.
/** Ids per message_blocks row: block = id >> 10. */
export const MESSAGE_BLOCK_SIZE = 1024;

export const messageBlocks = sqliteTable('message_blocks', {
  block: integer('block').primaryKey(),
  minTimestamp: integer('min_timestamp').notNull(),
  maxTimestamp: integer('max_timestamp').notNull(),
});

// Administrative events (servers changed, logs cleared, exported or imported,
// refused tokens and Host/Origin): who did what, never what was said. Rows
// hold names, counts, ids and reasons only: no header values, tokens, tool
// arguments or bodies. Append-only: triggers (migration 0009) abort any
// UPDATE or DELETE, and nothing prunes it (it grows by a few rows a minute at
// worst, since refusals are counted, not logged one by one).
export const audit = sqliteTable(
  'audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    timestamp: integer('timestamp').notNull(),
    event: text('event').notNull(),
    // What the event is about: a server name, a refusal reason; null when nothing in particular.
    subject: text('subject'),
    // JSON object.
    detail: text('detail').notNull().default('{}'),
    source: text('source', { enum: ['api', 'cli', 'gateway'] }).notNull(),
  },
  (t) => [index('audit_event_id').on(t.event, t.id)],
);

// Tool, prompt and resource definitions as servers announced them (definitions/):
// each distinct canonical list once, by the SHA-256 of its canonical JSON.
export const definitionSets = sqliteTable('definition_sets', {
  hash: text('hash').primaryKey(),
  kind: text('kind', { enum: ['initialize', 'tools', 'prompts', 'resources', 'resourceTemplates'] }).notNull(),
  // JSON array of canonical entries, each with its own hash.
  entries: text('entries').notNull(),
  count: integer('count').notNull(),
});

// One row per complete list a server gave a session (pages merged across cursors).
export const definitionSnapshots = sqliteTable(
  'definition_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    timestamp: integer('timestamp').notNull(),
    server: text('server').notNull(),
    sessionId: text('session_id'),
    clientName: text('client_name'),
    clientVersion: text('client_version'),
    serverVersion: text('server_version'),
    kind: text('kind', { enum: ['initialize', 'tools', 'prompts', 'resources', 'resourceTemplates'] }).notNull(),
    setHash: text('set_hash').notNull(),
    // The answer (the last page) that completed the list.
    messageId: integer('message_id').notNull(),
  },
  (t) => [index('definition_snapshots_server').on(t.server, t.kind, t.id)],
);

// What each server's lists are compared with: the first complete list (trust on
// first use), or the latest ones when someone accepted them.
export const definitionBaselines = sqliteTable(
  'definition_baselines',
  {
    server: text('server').notNull(),
    kind: text('kind', { enum: ['initialize', 'tools', 'prompts', 'resources', 'resourceTemplates'] }).notNull(),
    setHash: text('set_hash').notNull(),
    acceptedAt: integer('accepted_at').notNull(),
    source: text('source', { enum: ['first-use', 'api', 'cli'] }).notNull(),
    sessionId: text('session_id'),
    messageId: integer('message_id'),
  },
  (t) => [primaryKey({ columns: [t.server, t.kind] })],
);

// Drift and poisoning alerts (alerts/). Ids come from the analyzer, which keeps
// one alert per dedup key (server, rule, content): a later sighting updates
// last_seen, seen, and the session and message it was last seen in.
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey(),
    dedupKey: text('dedup_key').notNull().unique(),
    kind: text('kind', { enum: ['drift', 'poisoning'] }).notNull(),
    rule: text('rule').notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'high'] }).notNull(),
    server: text('server').notNull(),
    sessionId: text('session_id'),
    messageId: integer('message_id'),
    path: text('path'),
    matchText: text('match_text'),
    matchStart: integer('match_start'),
    matchEnd: integer('match_end'),
    decoded: text('decoded'),
    before: text('before'),
    after: text('after'),
    firstSeen: integer('first_seen').notNull(),
    lastSeen: integer('last_seen').notNull(),
    seen: integer('seen').notNull(),
  },
  (t) => [index('alerts_server_id').on(t.server, t.id), index('alerts_last_seen').on(t.lastSeen)],
);

// Every message an alert was seen in, for the badge on each of them.
export const alertSightings = sqliteTable(
  'alert_sightings',
  {
    alertId: integer('alert_id').notNull(),
    messageId: integer('message_id').notNull(),
    sessionId: text('session_id'),
    timestamp: integer('timestamp').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.messageId] }), index('alert_sightings_message').on(t.messageId)],
);

// The analyzer's progress: the last message id it has looked at, so a restart
// picks up what was stored but not yet analyzed.
export const analysisState = sqliteTable('analysis_state', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});
