import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../types.js';
import { clearMessages, clearMessagesStepwise, firstIdFrom } from './clear.js';
import { insertMessages } from './derived.js';
import { openDatabase } from './db.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-clear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function row(id: number, server: string, body = JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { pad: 'y'.repeat(2000) } })): MessageRecord {
  return {
    id, timestamp: 1000 + id, server, sessionId: `${server}-session`, direction: 'client_to_server', kind: 'notification', method: 'x',
    jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus: 200, exchangeId: null, stream: null, sseEventId: null,
    size: body.length, body, truncated: false, isError: false, redactions: [], origin: 'client', replayOf: null, injected: null,
  };
}

describe('clearing messages', () => {
  it('removes one server, or what is below an id, and keeps sessions and search in step', async () => {
    const { sqlite } = openDatabase(join(dir, 'a.db'));
    insertMessages(sqlite, Array.from({ length: 3000 }, (_, i) => row(i + 1, (i + 1) % 2 ? 'a' : 'b')));
    // An initialize whose body is not JSON (cut short) never fails the write.
    insertMessages(sqlite, [{ ...row(3001, 'a'), method: 'initialize', kind: 'request', body: '{"jsonrpc":"2.0","method":"initialize","params":{"clientInfo":' }]);
    expect(await clearMessagesStepwise(sqlite, { server: 'b' })).toMatchObject({ removed: 1500 });
    expect(clearMessages(sqlite, { before: 2001 })).toBe(1000);
    const left = sqlite.prepare('SELECT id FROM messages ORDER BY id').pluck().all() as number[];
    expect(left).toEqual(Array.from({ length: 501 }, (_, i) => 2001 + 2 * i));
    expect(sqlite.prepare('SELECT server, first_id, last_id, message_count FROM sessions').all()).toEqual([
      { server: 'a', first_id: 2001, last_id: 3001, message_count: 501 },
    ]);
    expect(sqlite.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'pad'").pluck().get()).toBe(500);
    expect(sqlite.prepare('SELECT block FROM message_blocks ORDER BY block').pluck().all()).toEqual([1, 2]);
    sqlite.close();
  });

  it('gives the space back, also on a file made before incremental auto-vacuum (one full VACUUM)', async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.exec('CREATE TABLE before_autovacuum (x)');
    old.close();
    const { sqlite } = openDatabase(file);
    expect(sqlite.pragma('auto_vacuum', { simple: true })).toBe(0);
    insertMessages(sqlite, Array.from({ length: 2000 }, (_, i) => row(i + 1, 'a')));
    const outcome = await clearMessagesStepwise(sqlite, {});
    expect(outcome.removed).toBe(2000);
    expect(outcome.freedPages).toBeGreaterThan(500);
    expect(sqlite.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(sqlite.pragma('temp_store', { simple: true })).toBe(2);
    sqlite.close();
  });

  it('finds the first message from a time through the zone map, with ids and times out of step', () => {
    const { sqlite } = openDatabase(join(dir, 'from.db'));
    // Three blocks of 1,024 ids; the middle one was imported with older timestamps.
    const rows = Array.from({ length: 3 * 1024 }, (_, i) => {
      const id = i + 1;
      const imported = id > 1024 && id <= 2048;
      return { ...row(id, id % 3 === 0 ? 'b' : 'a'), timestamp: imported ? 100 + id : 10_000 + id };
    });
    insertMessages(sqlite, rows);
    expect(firstIdFrom(sqlite, 10_000)).toBe(1);
    expect(firstIdFrom(sqlite, 10_500)).toBe(500);
    expect(firstIdFrom(sqlite, 10_500, 'b')).toBe(501);
    // The imported block starts after 1,200 but the first block is newer still: id 1.
    expect(firstIdFrom(sqlite, 1_200)).toBe(1);
    expect(firstIdFrom(sqlite, 10_000 + 2049)).toBe(2049);
    expect(firstIdFrom(sqlite, 10_000 + 5000)).toBeNull();
    // Deleting the newest rows leaves the block's bounds wide; the answer stays right.
    sqlite.prepare('DELETE FROM messages WHERE id > 3000').run();
    expect(firstIdFrom(sqlite, 10_000 + 3001)).toBeNull();
    expect(firstIdFrom(sqlite, 10_000 + 2999, 'b')).toBe(3000);
    sqlite.close();
  });
});
