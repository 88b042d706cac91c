import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../types.js';
import { openDatabase } from './db.js';
import type { WriteOp } from './rows.js';
import { Writer } from './writer.js';

const homes: string[] = [];
const writers: Writer[] = [];

afterEach(async () => {
  for (const writer of writers.splice(0)) await writer.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function setUp(extra: { onFlushed?: (rows: MessageRecord[]) => void; onError?: (message: string) => void } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-writer-'));
  homes.push(home);
  const file = join(home, 'logs.db');
  const { sqlite } = openDatabase(file, { busyTimeoutMs: 100 });
  const writer = new Writer({ sqlite, workerFile: file, ...extra });
  writers.push(writer);
  const count = (): number => (sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  return { file, sqlite, writer, count };
}

function message(id: number, overrides: Partial<MessageRecord> = {}): WriteOp {
  return {
    op: 'message',
    row: {
      id,
      timestamp: Date.now(),
      server: 'up',
      sessionId: null,
      direction: 'client_to_server',
      kind: 'request',
      method: 'tools/call',
      jsonrpcId: id,
      pairedId: null,
      relatedId: null,
      durationMs: null,
      httpStatus: null,
      exchangeId: null,
      stream: null,
      sseEventId: null,
      size: 2,
      body: '{}',
      truncated: false,
      isError: false,
      redactions: [], origin: 'client', replayOf: null, injected: null,
      ...overrides,
    },
  };
}

describe('the writer on its worker thread', () => {
  it('commits on flush, and publishes the rows as a read returns them', async () => {
    const published: MessageRecord[] = [];
    const { writer, count, sqlite } = setUp({ onFlushed: (rows) => published.push(...rows) });
    await writer.ready();
    const request = writer.allocateMessageId();
    const response = writer.allocateMessageId();
    writer.enqueue(message(request));
    writer.enqueue(message(response, { direction: 'server_to_client', kind: 'response', method: 'tools/call', jsonrpcId: request }));
    writer.enqueue({ op: 'pair', requestId: request, responseId: response });
    writer.enqueue({ op: 'annotate', ids: [request], httpStatus: 200, sessionId: 's-1' });
    expect(count()).toBe(0);

    await writer.flush();
    expect(count()).toBe(2);
    const stored = sqlite.prepare('SELECT paired_id, http_status, session_id FROM messages WHERE id = ?').get(request);
    expect(stored).toEqual({ paired_id: response, http_status: 200, session_id: 's-1' });
    expect(published.map((r) => r.id)).toEqual([request, response]);
    expect(published[0]).toMatchObject({ pairedId: response, httpStatus: 200, sessionId: 's-1' });
  });

  it('flushSync returns with everything queued on disk', async () => {
    const { writer, count } = setUp();
    await writer.ready();
    for (let i = 0; i < 2500; i++) writer.enqueue(message(writer.allocateMessageId()));
    writer.flushSync();
    expect(count()).toBe(2500);
    expect(writer.health()).toMatchObject({ ok: true, pendingWrites: 0 });
  });

  it('lets the event loop run while a batch waits on the database', async () => {
    const { writer, file } = setUp();
    await writer.ready();
    // Another process holds the write lock: the writer thread waits for it (its busy timeout), the main thread must not.
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    writer.enqueue(message(writer.allocateMessageId()));
    let turns = 0;
    const ticking = setInterval(() => turns++, 1);
    const flushed = writer.flush().then(() => turns);
    await new Promise((resolve) => setTimeout(resolve, 200));
    blocker.exec('ROLLBACK');
    blocker.close();
    const turnsWhileWaiting = await flushed;
    clearInterval(ticking);
    expect(turnsWhileWaiting).toBeGreaterThan(10);
  });

  it('runs exclusive work with no batch in flight, after what was queued', async () => {
    const { writer, sqlite, count } = setUp();
    await writer.ready();
    for (let i = 0; i < 1500; i++) writer.enqueue(message(writer.allocateMessageId()));
    const seen = await writer.exclusive(() => {
      // A write on this connection now cannot meet the writer's lock (busy_timeout here is 100 ms).
      sqlite.exec('BEGIN IMMEDIATE');
      sqlite.exec('COMMIT');
      return count();
    });
    expect(seen).toBe(1500);
  });

  it('reports a failed batch once, keeps it, and writes it when storage returns', async () => {
    const errors: string[] = [];
    const { writer, count } = setUp({ onError: (message) => errors.push(message) });
    await writer.ready();
    const roomy = writer.pragma('max_page_count') as number;
    writer.pragma(`max_page_count = ${writer.pragma('page_count') as number}`);
    for (let i = 0; i < 50; i++) writer.enqueue(message(writer.allocateMessageId(), { body: JSON.stringify({ pad: 'x'.repeat(4000) }) }));
    await writer.flush();
    expect(writer.health()).toMatchObject({ ok: false, error: 'storage write failed: database or disk is full', pendingWrites: 50 });
    expect(count()).toBe(0);

    writer.pragma(`max_page_count = ${roomy}`);
    writer.flushSync();
    expect(count()).toBe(50);
    expect(errors).toEqual(['storage write failed: database or disk is full', 'storage recovered; recording resumed']);
  });

  it('says why when the writer thread cannot open the database', async () => {
    const { sqlite } = setUp();
    const writer = new Writer({ sqlite, workerFile: join(tmpdir(), 'no-such-dir-for-mcp-gateway', 'logs.db') });
    writers.push(writer);
    await expect(writer.ready()).rejects.toThrow(/ENOENT|unable to open/);
  });
});
