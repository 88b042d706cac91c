import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { insertMessages } from './derived.js';
import type { MessageRow } from './rows.js';
import { StatementCache } from './statements.js';
import { messageStats } from './stats.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function seeded(): { cache: StatementCache; close(): void } {
  const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-stats-'));
  homes.push(home);
  const { sqlite } = openDatabase(join(home, 'logs.db'));
  const servers = ['alpha', 'beta', 'gamma'];
  const methods = [null, 'initialize', 'tools/call', 'tools/list', 'resources/read'];
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const rows: MessageRow[] = [];
  for (let id = 1; id <= 5000; id++) {
    const response = random() < 0.5;
    rows.push({
      id, timestamp: 1_700_000_000_000 + id * 1000, server: servers[Math.floor(random() * 3)] as string, sessionId: null,
      direction: response ? 'server_to_client' : 'client_to_server', kind: response ? 'response' : 'request',
      // gamma never says resources/read: a group that exists for some servers only.
      method: methods[Math.floor(random() * (id % 3 === 2 ? 4 : 5))] ?? null, jsonrpcId: null, pairedId: null, relatedId: null,
      durationMs: response ? Math.round(random() * 50_000) / 100 : null, httpStatus: 200, exchangeId: null, stream: null, sseEventId: null,
      size: Math.floor(random() * 2000), body: '{}', truncated: false, isError: random() < 0.1, redactions: [], origin: 'client', replayOf: null, injected: null,
    });
  }
  insertMessages(sqlite, rows);
  return { cache: new StatementCache(sqlite), close: () => sqlite.close() };
}

describe('stats', () => {
  it('with a time range, seeks each (server, method) group and gives what one pass over the range would', () => {
    const { cache, close } = seeded();
    try {
      // What a single pass over the index filtered by time gives: the reference.
      const onePass = (since: number, until: number, server?: string) =>
        cache.sqlite
          .prepare(
            `SELECT server, method, count(*) AS count, total(is_error) AS errorCount, total(size) AS bytes, count(duration_ms) AS timedCount,
               percentile_cont(duration_ms, 0.5) AS p50Ms, percentile_cont(duration_ms, 0.95) AS p95Ms, percentile_cont(duration_ms, 0.99) AS p99Ms
             FROM messages WHERE timestamp >= ? AND timestamp <= ? ${server ? 'AND server = ?' : ''} GROUP BY server, method ORDER BY server, method`,
          )
          .all(since, until, ...(server ? [server] : []))
          .map((row) => {
            const r = row as Record<string, number | null>;
            const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
            return { ...r, p50Ms: round(r.p50Ms ?? null), p95Ms: round(r.p95Ms ?? null), p99Ms: round(r.p99Ms ?? null) };
          });
      const t = (n: number): number => 1_700_000_000_000 + n * 1000;
      for (const [since, until, server] of [[t(1), t(5000)], [t(1200), t(1800)], [t(4990), t(6000)], [t(100), t(3000), 'beta'], [t(7000), t(8000)]] as Array<[number, number, string?]>) {
        expect(messageStats(cache, { since, until, ...(server ? { server } : {}) })).toEqual(onePass(since, until, server));
      }
      // Only one bound given.
      expect(messageStats(cache, { since: t(4000) })).toEqual(onePass(t(4000), Number.MAX_SAFE_INTEGER));
      // Everything: one pass, the same groups as the whole range.
      expect(messageStats(cache, {})).toEqual(onePass(0, Number.MAX_SAFE_INTEGER));
      expect(messageStats(cache, {}).some((r) => r.method === null)).toBe(true);
      // Each group is an index search on server, method and the time range, not a scan.
      const plan = (cache.sqlite.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM messages INDEXED BY messages_stats WHERE server = ? AND method IS ? AND timestamp >= ? AND timestamp <= ?`).all('alpha', null, 0, 1) as Array<{ detail: string }>).map((p) => p.detail);
      expect(plan.join(' ')).toMatch(/SEARCH messages USING COVERING INDEX messages_stats \(server=\? AND method=\? AND timestamp>\? AND timestamp<\?\)/);
    } finally {
      close();
    }
  });
});
