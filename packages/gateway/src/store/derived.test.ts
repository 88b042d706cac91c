import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../types.js';
import { prepareBatch } from './batch.js';
import { clearMessages } from './clear.js';
import { openDatabase } from './db.js';
import { rebuildDerived } from './derived.js';
import { insertImport, parseExport } from './import.js';
import { MessageQueries } from './message-queries.js';
import type { WriteOp } from './rows.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-derived-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = (): Database.Database => openDatabase(join(dir, `${++files}.db`)).sqlite;

function message(id: number, fields: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id, timestamp: 10_000 + id, server: 'srv', sessionId: 'S', direction: 'server_to_client', kind: 'notification',
    method: 'notifications/progress', jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus: 200,
    exchangeId: null, stream: 'post-sse', sseEventId: null, size: 10, body: `{"jsonrpc":"2.0","method":"notifications/progress","params":{"n":${id}}}`,
    truncated: false, isError: false, redactions: [], origin: 'client', replayOf: null, injected: null, ...fields,
  };
}

const initRequest = (id: number, client: string, protocol: string, sessionId: string | null = null): MessageRecord =>
  message(id, {
    sessionId, direction: 'client_to_server', kind: 'request', method: 'initialize', jsonrpcId: 0, httpStatus: null, stream: 'http-body',
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: protocol, clientInfo: { name: client, version: '1.2.3' } } }),
  });
const initResponse = (id: number, sessionId: string, server: string, protocol: string, pairedId: number): MessageRecord =>
  message(id, {
    sessionId, kind: 'response', method: 'initialize', jsonrpcId: 0, pairedId, durationMs: 3,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, result: { protocolVersion: protocol, serverInfo: { name: server, version: '9.9' } } }),
  });

const sessionsOf = (sqlite: Database.Database): unknown[] =>
  sqlite.prepare('SELECT * FROM sessions ORDER BY server, session_id').all();

/** Sessions and blocks recomputed from the messages table by GROUP BY, for what aggregates can give. */
function recomputed(sqlite: Database.Database): { sessions: unknown[]; blocks: unknown[] } {
  return {
    sessions: sqlite
      .prepare(`SELECT server, session_id, min(id) AS first_id, max(id) AS last_id, count(*) AS message_count, sum(is_error) AS error_count
        FROM messages WHERE session_id IS NOT NULL GROUP BY server, session_id ORDER BY server, session_id`)
      .all(),
    blocks: sqlite.prepare('SELECT id >> 10 AS block, min(timestamp) AS min_timestamp, max(timestamp) AS max_timestamp FROM messages GROUP BY 1 ORDER BY 1').all(),
  };
}

function kept(sqlite: Database.Database): { sessions: unknown[]; blocks: unknown[] } {
  return {
    sessions: sqlite
      .prepare('SELECT server, session_id, first_id, last_id, message_count, error_count FROM sessions ORDER BY server, session_id')
      .all(),
    blocks: sqlite.prepare('SELECT * FROM message_blocks ORDER BY block').all(),
  };
}

describe('derived state kept per batch', () => {
  it('keeps sessions right: counts, first and last, errors, and what initialize said, within and across batches', () => {
    const sqlite = fresh();
    const { applyAll } = prepareBatch(sqlite);
    // Session S: initialize answered in the same batch; the request learns its session from the answer's headers.
    applyAll([
      { op: 'message', row: initRequest(1, 'client-a', '2025-03-26') },
      { op: 'annotate', ids: [1], httpStatus: 200, sessionId: 'S' },
      { op: 'pair', requestId: 1, responseId: 2 },
      { op: 'message', row: initResponse(2, 'S', 'server-s', '2025-06-18', 1) },
      { op: 'message', row: message(3) },
    ]);
    // Session T: the initialize request is annotated in a later batch than it was written (the trigger's path).
    applyAll([{ op: 'message', row: initRequest(4, 'client-b', '2025-03-26') }]);
    applyAll([
      { op: 'annotate', ids: [4], httpStatus: 200, sessionId: 'T' },
      { op: 'pair', requestId: 4, responseId: 5 },
      { op: 'message', row: initResponse(5, 'T', 'server-t', '2024-11-05', 4) },
      { op: 'message', row: message(6, { kind: 'error', isError: true, body: '{"jsonrpc":"2.0","id":7,"error":{"code":1,"message":"x"}}' }) },
      { op: 'message', row: message(7, { sessionId: 'T', isError: true, kind: 'response' }) },
      // An initialize cut short (not JSON) never fails the batch.
      { op: 'message', row: { ...initRequest(8, 'x', 'y', 'T'), body: '{"jsonrpc":"2.0","method":"initialize","params":{"clientInfo":' } },
    ]);
    expect(sessionsOf(sqlite)).toEqual([
      {
        server: 'srv', session_id: 'S', first_id: 1, last_id: 6, message_count: 4, error_count: 1, client_name: 'client-a',
        client_version: '1.2.3', protocol_version: '2025-06-18', server_name: 'server-s', server_version: '9.9',
      },
      {
        server: 'srv', session_id: 'T', first_id: 4, last_id: 8, message_count: 4, error_count: 1, client_name: 'client-b',
        client_version: '1.2.3', protocol_version: '2024-11-05', server_name: 'server-t', server_version: '9.9',
      },
    ]);
    expect(kept(sqlite)).toEqual(recomputed(sqlite));
    // A request's own protocol version counts until an answer says what was agreed.
    applyAll([{ op: 'message', row: initRequest(9, 'client-c', '2025-03-26', 'U') }]);
    expect(sqlite.prepare("SELECT client_name, protocol_version FROM sessions WHERE session_id = 'U'").get()).toEqual({
      client_name: 'client-c', protocol_version: '2025-03-26',
    });
    sqlite.close();
  });

  it('writes each message once, as the later ops of its batch left it, and publishes it so', () => {
    const sqlite = fresh();
    const { applyAll } = prepareBatch(sqlite);
    const exchange = { id: 1, server: 'srv', sessionId: null, method: 'POST', path: '/s/srv/mcp', status: null, requestHeaders: { a: '1' }, responseHeaders: {}, receivedAt: 1.5, upstreamFirstByteAt: null, doneAt: null, error: null };
    const ops: WriteOp[] = [
      { op: 'exchange', row: exchange },
      { op: 'message', row: initRequest(1, 'c', 'p') },
      { op: 'exchange-update', id: 1, update: { status: 200, responseHeaders: { b: '2' }, upstreamFirstByteAt: 2.5, sessionId: 'S' } },
      { op: 'annotate', ids: [1], httpStatus: 200, sessionId: 'S' },
      { op: 'pair', requestId: 1, responseId: 2 },
      { op: 'message', row: initResponse(2, 'S', 's', 'p', 1) },
      { op: 'exchange-update', id: 1, update: { doneAt: 3.5, status: null } },
    ];
    const snapshot = JSON.stringify(ops);
    const published = applyAll(ops);
    expect(JSON.stringify(ops)).toBe(snapshot); // a failed batch is retried with the same ops
    expect(published.map((r) => [r.id, r.sessionId, r.httpStatus, r.pairedId])).toEqual([[1, 'S', 200, 2], [2, 'S', 200, 1]]);
    expect(new MessageQueries(sqlite).byIds([1, 2]).map((r) => [r.id, r.sessionId, r.httpStatus, r.pairedId])).toEqual([[1, 'S', 200, 2], [2, 'S', 200, 1]]);
    expect(new MessageQueries(sqlite).exchange(1)).toEqual({ ...exchange, sessionId: 'S', status: 200, responseHeaders: { b: '2' }, upstreamFirstByteAt: 2.5, doneAt: 3.5 });
    // Ops on rows and exchanges of earlier batches become updates.
    applyAll([
      { op: 'pair', requestId: 2, responseId: 99 },
      { op: 'annotate', ids: [2], httpStatus: 404, sessionId: null },
      { op: 'exchange-update', id: 1, update: { error: 'gone' } },
      { op: 'exchange-update', id: 1, update: { status: 500 } },
    ]);
    expect(new MessageQueries(sqlite).get(2)).toMatchObject({ pairedId: 99, httpStatus: 404, sessionId: 'S' });
    expect(new MessageQueries(sqlite).exchange(1)).toMatchObject({ status: 500, error: 'gone', doneAt: 3.5 });
    sqlite.close();
  });

  it('finds what a batch wrote as soon as it is committed, on any connection, and keeps one index segment per batch', () => {
    const file = join(dir, 'search.db');
    const { sqlite } = openDatabase(file);
    const { applyAll } = prepareBatch(sqlite);
    const reader = new Database(file, { readonly: true });
    const search = (db: Database.Database, q: string): number[] => new MessageQueries(db).ids({ q }, { order: 'asc', limit: 1000 });
    applyAll(Array.from({ length: 300 }, (_, i): WriteOp => ({ op: 'message', row: message(i + 1, { body: `{"text":"word${i % 7} zanzibar"}` }) })));
    expect(search(sqlite, 'zanzibar')).toHaveLength(300);
    expect(search(reader, 'word3')).toEqual(Array.from({ length: 300 }, (_, i) => i + 1).filter((id) => (id - 1) % 7 === 3));
    applyAll([{ op: 'message', row: message(301, { body: '{"text":"quokka"}' }) }]);
    expect(search(reader, 'quokka')).toEqual([301]);
    // A per-row index insert would leave a segment (a row of messages_fts_data) per message before merging.
    expect(sqlite.prepare('SELECT count(*) FROM messages_fts_data').pluck().get()).toBeLessThan(20);
    sqlite.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`);
    reader.close();
    sqlite.close();
  });

  it('keeps the zone map: the oldest and newest time of each block of 1,024 ids, whatever the order of times', () => {
    const sqlite = fresh();
    const { applyAll } = prepareBatch(sqlite);
    for (let start = 1; start <= 3000; start += 700) {
      applyAll(Array.from({ length: 700 }, (_, i): WriteOp => ({ op: 'message', row: message(start + i, { timestamp: 50_000 + ((start + i) * 7919) % 5000 }) })));
    }
    expect(kept(sqlite).blocks).toEqual(recomputed(sqlite).blocks);
    expect(kept(sqlite).sessions).toEqual(recomputed(sqlite).sessions);
    sqlite.close();
  });

  it('keeps sessions, blocks and search for an import, and after deletes', () => {
    const sqlite = fresh();
    const { applyAll } = prepareBatch(sqlite);
    applyAll(Array.from({ length: 50 }, (_, i): WriteOp => ({ op: 'message', row: message(i + 1, { sessionId: i % 2 ? 'S' : 'T', timestamp: Date.parse('2024-05-01') + i }) })));
    const file = [
      { id: 7, timestamp: '2020-01-01T00:00:00.000Z', server: 'old', sessionId: 'I', direction: 'client_to_server', kind: 'request', method: 'initialize', jsonrpcId: 1, pairedId: 8, durationMs: null, httpStatus: 200, size: 5, message: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { clientInfo: { name: 'imported-client', version: '0.1' } } } },
      { id: 8, timestamp: '2020-01-01T00:00:01.000Z', server: 'old', sessionId: 'I', direction: 'server_to_client', kind: 'response', method: 'initialize', jsonrpcId: 1, pairedId: 7, durationMs: 1000, httpStatus: 200, size: 5, message: { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', serverInfo: { name: 'imported-server', version: '2' }, isError: true } } },
      { id: 9, timestamp: '2019-12-31T23:59:59.000Z', server: 'old', sessionId: 'I', direction: 'server_to_client', kind: 'notification', method: 'notifications/message', jsonrpcId: null, pairedId: null, durationMs: null, httpStatus: 200, size: 5, message: { jsonrpc: '2.0', method: 'notifications/message', params: { data: 'platypus' } } },
    ].map((line) => JSON.stringify(line)).join('\n');
    const parsed = parseExport(file);
    expect(parsed.errors).toEqual([]);
    let next = 50;
    const rows = insertImport(sqlite, parsed.lines, () => ++next);
    expect(rows.map((r) => r.id)).toEqual([51, 52, 53]);
    expect(sqlite.prepare("SELECT first_id, last_id, message_count, error_count, client_name, server_name, protocol_version FROM sessions WHERE session_id = 'I'").get()).toEqual({
      first_id: 51, last_id: 53, message_count: 3, error_count: 1, client_name: 'imported-client', server_name: 'imported-server', protocol_version: '2025-06-18',
    });
    expect(new MessageQueries(sqlite).ids({ q: 'platypus' }, { order: 'desc', limit: 10 })).toEqual([53]);
    expect(new MessageQueries(sqlite).ids({ until: Date.parse('2020-01-01T00:00:00.500Z') }, { order: 'desc', limit: 10 })).toEqual([53, 51]);
    expect(kept(sqlite)).toEqual(recomputed(sqlite));

    // Deletes (clear, retention) are kept by triggers: first and last move, empty sessions go, search forgets.
    clearMessages(sqlite, { before: 11 });
    clearMessages(sqlite, { server: 'old' });
    expect(kept(sqlite).sessions).toEqual(recomputed(sqlite).sessions);
    expect(sqlite.prepare("SELECT count(*) FROM sessions WHERE session_id = 'I'").pluck().get()).toBe(0);
    expect(new MessageQueries(sqlite).ids({ q: 'platypus' }, { order: 'desc', limit: 10 })).toEqual([]);
    expect(new MessageQueries(sqlite).ids({ q: 'progress' }, { order: 'asc', limit: 100 })).toEqual(Array.from({ length: 40 }, (_, i) => i + 11));
    sqlite.close();
  });

  it('rebuilds everything derived for rows loaded without it', () => {
    const sqlite = fresh();
    prepareBatch(sqlite).applyAll([
      { op: 'message', row: initRequest(1, 'client-a', '2025-03-26', 'S') },
      { op: 'message', row: initResponse(2, 'S', 'server-s', '2025-06-18', 1) },
      { op: 'message', row: message(3, { body: '{"text":"wombat"}' }) },
    ]);
    const before = { sessions: sessionsOf(sqlite), blocks: kept(sqlite).blocks };
    sqlite.exec("DELETE FROM sessions; DELETE FROM message_blocks; INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')");
    rebuildDerived(sqlite);
    expect({ sessions: sessionsOf(sqlite), blocks: kept(sqlite).blocks }).toEqual(before);
    expect(new MessageQueries(sqlite).ids({ q: 'wombat' }, { order: 'desc', limit: 10 })).toEqual([3]);
    sqlite.close();
  });
});

describe('migrating to per-batch derived state', () => {
  const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

  /** Schema objects of messages, for comparing an upgraded database with a new one. */
  const shape = (sqlite: Database.Database): unknown =>
    sqlite.prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('messages', 'sessions', 'message_blocks') ORDER BY type, name").all();

  it('upgrades a database kept by the old triggers to the schema of a new one, and keeps it right from there', () => {
    // A database as the version before this one left it: migrations up to 0009, rows written with its triggers.
    const old = join(dir, 'old-migrations');
    cpSync(MIGRATIONS, old, { recursive: true });
    const journalFile = join(old, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
    const upTo = journal.entries.findIndex((e) => e.tag === '0009_audit_append_only');
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo + 1) }));
    const file = join(dir, 'upgrade.db');
    const before = new Database(file);
    migrate(drizzle(before), { migrationsFolder: old });
    const insert = before.prepare(
      `INSERT INTO messages (id, timestamp, server, session_id, direction, kind, method, size, body) VALUES (?, ?, 'srv', ?, 'server_to_client', ?, ?, 1, ?)`,
    );
    before.transaction(() => {
      insert.run(1, 5000, 'S', 'request', 'initialize', JSON.stringify({ params: { clientInfo: { name: 'old-client' } } }));
      for (let id = 2; id <= 1500; id++) insert.run(id, 5000 + id, id % 3 ? 'S' : null, 'notification', 'notifications/progress', `{"text":"emu ${id}"}`);
    })();
    before.close();

    const { sqlite } = openDatabase(file);
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages' ORDER BY name").pluck().all();
    expect(triggers).toEqual(['messages_fts_delete', 'messages_fts_update', 'messages_sessions_assign', 'messages_sessions_delete']);
    const created = openDatabase(join(dir, 'new.db')).sqlite;
    expect(shape(sqlite)).toEqual(shape(created));
    expect(sqlite.prepare("SELECT v FROM messages_fts_config WHERE k = 'automerge'").pluck().get()).toBe(8);
    expect(created.prepare("SELECT v FROM messages_fts_config WHERE k = 'automerge'").pluck().get()).toBe(8);
    created.close();

    // What the old triggers kept is still right, and new writes keep it so.
    prepareBatch(sqlite).applyAll(Array.from({ length: 900 }, (_, i): WriteOp => ({ op: 'message', row: message(1501 + i, { body: `{"text":"emu ${i}"}` }) })));
    expect(kept(sqlite)).toEqual(recomputed(sqlite));
    expect(sqlite.prepare("SELECT client_name FROM sessions WHERE session_id = 'S'").pluck().get()).toBe('old-client');
    expect(new MessageQueries(sqlite).ids({ q: 'emu' }, { order: 'desc', limit: 5000 })).toHaveLength(2399);
    sqlite.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`);
    sqlite.close();
  });
});
