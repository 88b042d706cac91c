import { describe, expect, it } from 'vitest';
import type { ResolvedServer } from '../registry/registry.js';
import { appendAudit, readAudit } from './audit.js';
import { AuditLog } from './audit-log.js';
import { diffServers } from './audit-servers.js';
import { clearMessages } from './clear.js';
import { openDatabase } from './db.js';
import { Writer } from './writer.js';

describe('the audit table', () => {
  it('is append-only: the database refuses UPDATE and DELETE, and clearing messages leaves it alone', () => {
    const { sqlite } = openDatabase(':memory:');
    appendAudit(sqlite, { event: 'logs.cleared', subject: null, detail: { removed: 3 }, source: 'cli' });
    appendAudit(sqlite, { event: 'server.added', subject: 'a', detail: { transport: 'http' }, source: 'gateway' });
    expect(() => sqlite.prepare("UPDATE audit SET subject = 'b'").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM audit WHERE id = 1').run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    clearMessages(sqlite);
    expect(readAudit(sqlite, { limit: 10 }).entries.map((e) => e.event)).toEqual(['server.added', 'logs.cleared']);
    sqlite.close();
  });

  it('reads newest first, filtered by event and time, paged by id', () => {
    const { sqlite } = openDatabase(':memory:');
    const writer = new Writer({ sqlite });
    let now = 1000;
    const audit = new AuditLog({ sink: writer, now: () => now });
    for (let i = 0; i < 5; i++) {
      now += 1000;
      audit.record(i % 2 ? 'logs.exported' : 'logs.imported', { detail: { n: i }, source: 'api' });
    }
    writer.flushSync();
    const first = readAudit(sqlite, { limit: 2 });
    expect(first.entries.map((e) => e.detail.n)).toEqual([4, 3]);
    expect(first.hasMore).toBe(true);
    const second = readAudit(sqlite, { limit: 2, before: first.next?.before });
    expect(second.entries.map((e) => e.detail.n)).toEqual([2, 1]);
    expect(readAudit(sqlite, { limit: 10, event: 'logs.exported' }).entries.map((e) => e.detail.n)).toEqual([3, 1]);
    expect(readAudit(sqlite, { limit: 10, since: 3000, until: 5000 }).entries.map((e) => e.detail.n)).toEqual([3, 2, 1]);
    expect(readAudit(sqlite, { limit: 10, since: 3000 }).entries[0]).toEqual({ id: 5, timestamp: 6000, event: 'logs.imported', subject: null, detail: { n: 4 }, source: 'api' });
    writer.close();
    sqlite.close();
  });
});

describe('server changes', () => {
  const server = (name: string, entry: ResolvedServer['entry']): ResolvedServer => ({ name, entry, transport: entry.command ? 'stdio' : 'http' });
  const map = (...servers: ResolvedServer[]) => new Map(servers.map((s) => [s.name, s]));

  it('are found by name, with the names of changed keys and never their values', () => {
    const before = map(server('a', { url: 'http://x/mcp', headers: { Authorization: 'Bearer old-secret-value' } }), server('gone', { command: 'node' }));
    const after = map(
      server('a', { url: 'http://x/mcp', headers: { Authorization: 'Bearer new-secret-value' } }),
      server('new', { url: 'http://y/mcp' }),
    );
    const changes = diffServers(before, after);
    expect(changes).toEqual([
      { event: 'server.changed', name: 'a', detail: { transport: 'http', fields: ['headers'] } },
      { event: 'server.added', name: 'new', detail: { transport: 'http' } },
      { event: 'server.removed', name: 'gone', detail: { transport: 'stdio' } },
    ]);
    expect(JSON.stringify(changes)).not.toContain('secret');
  });

  it('ignore a rewrite that only reorders keys', () => {
    const before = map(server('a', { url: 'http://x/mcp', headers: { A: '1', B: '2' } }));
    const after = map(server('a', { headers: { B: '2', A: '1' }, url: 'http://x/mcp' }));
    expect(diffServers(before, after)).toEqual([]);
  });
});
