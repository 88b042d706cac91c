import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import type { PruneOutcome } from './prune.js';
import type { WriteOp } from './rows.js';
import { Writer } from './writer.js';

function words(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${i.toString(36)}`);
}

describe('pruning on the committing connection', () => {
  it('keeps the search index near the size of what it indexes while the oldest messages go', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-prune-'));
    const file = join(home, 'logs.db');
    const { sqlite } = openDatabase(file);
    const pruned: PruneOutcome[] = [];
    // Batches commit on this thread (no worker): the same statements, in order, fast to test.
    const writer = new Writer({ sqlite, onPruned: (o) => pruned.push(o) });
    writer.setRetention({ maxMessages: 10_000, maxBytes: 2 ** 40, maxAgeMs: 3_600_000, ageLabel: '1 hour' });
    const vocabulary = words(5000);
    let seed = 1;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const body = (): string => `{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${Array.from({ length: 30 }, () => vocabulary[Math.floor(vocabulary.length * random() ** 2)]).join(' ')}"}}`;
    try {
      // 90,000 messages through a store that keeps 10,000: its whole content replaced eight times.
      for (let batch = 0; batch < 300; batch++) {
        for (let i = 0; i < 300; i++) {
          const op: WriteOp = {
            op: 'message',
            row: {
              id: writer.allocateMessageId(), timestamp: Date.now(), server: 'up', sessionId: null, direction: 'server_to_client', kind: 'notification',
              method: 'notifications/message', jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus: 200, exchangeId: null,
              stream: 'get-sse', sseEventId: null, size: 200, body: body(), truncated: false, isError: false, redactions: [], origin: 'client', replayOf: null, injected: null,
            },
          };
          writer.enqueue(op);
        }
        await writer.flush();
      }
      expect(sqlite.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(10_000);
      expect(pruned.reduce((n, o) => n + o.removed, 0)).toBe(80_000);
      const ftsBytes = (): number => sqlite.prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'messages_fts%'").pluck().get() as number;
      const kept = ftsBytes();
      // The same index with every segment merged: what the live entries need.
      sqlite.exec("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
      const live = ftsBytes();
      // Without the merging the pruner does, this index was 12 times its live size.
      expect(kept / live).toBeLessThan(2);
      // And still correct: a search finds only kept messages.
      const found = sqlite.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'w0'").pluck().get() as number;
      const scanned = (sqlite.prepare("SELECT body FROM messages").pluck().all() as string[]).filter((b) => / w0[ "]/.test(` ${b.slice(b.indexOf('"data":"') + 8)}`)).length;
      expect(found).toBe(scanned);
    } finally {
      await writer.close();
      sqlite.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it('takes the stderr lines, exchanges and zone-map blocks older than every kept message with them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-prune-'));
    const { sqlite } = openDatabase(join(home, 'logs.db'));
    const writer = new Writer({ sqlite });
    const count = (table: string): number => sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const message = (timestamp: number, exchangeId: number): WriteOp => ({
      op: 'message',
      row: {
        id: writer.allocateMessageId(), timestamp, server: 'local', sessionId: 's1', direction: 'server_to_client', kind: 'notification', method: 'notifications/message',
        jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus: null, exchangeId, stream: 'stdio', sseEventId: null,
        size: 2, body: '{}', truncated: false, isError: false, redactions: [], origin: 'client', replayOf: null, injected: null,
      },
    });
    const exchange = (id: number, receivedAt: number): WriteOp => ({
      op: 'exchange',
      row: { id, server: 'local', sessionId: 's1', method: 'POST', path: '/s/local/mcp', status: 200, requestHeaders: {}, responseHeaders: {}, receivedAt, upstreamFirstByteAt: null, doneAt: null, error: null },
    });
    try {
      const t0 = Date.now() - 60_000;
      // 3,000 old messages on 30 exchanges with stderr beside them, then 500 new ones and one new stderr line.
      for (let e = 0; e < 30; e++) {
        const ex = writer.allocateExchangeId();
        writer.enqueue(exchange(ex, t0 + e));
        for (let i = 0; i < 100; i++) writer.enqueue(message(t0 + e * 100 + i, ex));
        writer.enqueue({ op: 'stderr', server: 'local', sessionId: 's1', timestamp: t0 + e * 100, line: `old ${e}` });
      }
      await writer.flush();
      const ex = writer.allocateExchangeId();
      writer.enqueue(exchange(ex, Date.now()));
      writer.setRetention({ maxMessages: 500, maxBytes: 2 ** 40, maxAgeMs: 3_600_000, ageLabel: '1 hour' });
      for (let i = 0; i < 500; i++) writer.enqueue(message(Date.now(), ex));
      writer.enqueue({ op: 'stderr', server: 'local', sessionId: 's1', timestamp: Date.now(), line: 'new' });
      await writer.flush();
      expect(count('messages')).toBe(500);
      expect(sqlite.prepare('SELECT line FROM stderr_lines').pluck().all()).toEqual(['new']);
      expect(count('exchanges')).toBe(1);
      const { first } = sqlite.prepare('SELECT min(id) AS first FROM messages').get() as { first: number };
      expect(sqlite.prepare('SELECT min(block) FROM message_blocks').pluck().get()).toBe(Math.floor(first / 1024));
      // Once every kept message is newer than every line, the lines all go.
      writer.enqueue({ op: 'stderr', server: 'local', sessionId: 's1', timestamp: Date.now() - 30_000, line: 'late but old' });
      for (let i = 0; i < 600; i++) writer.enqueue(message(Date.now() + 1000, ex));
      await writer.flush();
      expect(count('stderr_lines')).toBe(0);
    } finally {
      await writer.close();
      sqlite.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('clears step by step on the committing connection, and the count retention keeps follows the clear', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-prune-'));
    const file = join(home, 'logs.db');
    const { sqlite } = openDatabase(file);
    // On the writer thread, as in the gateway.
    const writer = new Writer({ sqlite, workerFile: file });
    await writer.ready();
    const count = (): number => sqlite.prepare('SELECT count(*) FROM messages').pluck().get() as number;
    const add = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        writer.enqueue({
          op: 'message',
          row: {
            id: writer.allocateMessageId(), timestamp: Date.now(), server: i % 2 ? 'a' : 'b', sessionId: null, direction: 'server_to_client', kind: 'notification',
            method: 'notifications/message', jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus: null, exchangeId: null, stream: null,
            sseEventId: null, size: 2, body: '{}', truncated: false, isError: false, redactions: [], origin: 'client', replayOf: null, injected: null,
          },
        });
      }
      await writer.flush();
    };
    try {
      writer.setRetention({ maxMessages: 3000, maxBytes: 2 ** 40, maxAgeMs: 3_600_000, ageLabel: '1 hour' });
      await add(5000);
      expect(count()).toBe(3000);
      // Every message of server "a": 1,500, in two steps of 1,000 rows.
      const outcome = await writer.clear({ server: 'a' });
      expect(outcome?.removed).toBe(1500);
      expect(count()).toBe(1500);
      // The writer thread's count followed: 1,000 more are kept, not pruned as if 2,500 more were there.
      await add(1000);
      expect(count()).toBe(2500);
      await add(1000);
      expect(count()).toBe(3000);
    } finally {
      await writer.close();
      sqlite.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
