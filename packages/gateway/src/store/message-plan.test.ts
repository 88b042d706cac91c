import { describe, expect, it } from 'vitest';
import type { MessageKind, MessageRecord } from '../types.js';
import { openDatabase } from './db.js';
import { and, cursorConditions, equalityConditions, type Cursor, type MessageFilter } from './message-filter.js';
import { MessageQueries } from './message-queries.js';
import { selectIds } from './message-plan.js';
import { insertMessages } from './derived.js';

// A deterministic table of 6,000 messages: several per millisecond, the last
// 300 with old timestamps under new ids (as an import leaves them), so every
// strategy of the planner (index, merge, zone map, race, FTS) is exercised
// against a brute-force filter over the same rows.
const N = 6000;
const METHODS = ['tools/call', 'tools/list', 'resources/read', 'resources/list', 'initialize', 'notifications/progress', 'ping'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'weather', 'forecast', 'secret'];

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedRows(): MessageRecord[] {
  const rnd = random(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const rows: MessageRecord[] = [];
  for (let id = 1; id <= N; id++) {
    const imported = id > N - 300;
    const kind: MessageKind = pick(['request', 'request', 'response', 'response', 'notification', 'error', 'invalid']);
    const answer = kind === 'response' || kind === 'error';
    const jsonId = kind === 'notification' ? null : rnd() < 0.5 ? 1 : pick([2, 3, '1', 'abc']);
    const words = [pick(WORDS), pick(WORDS)].join(' ');
    rows.push({
      id,
      timestamp: imported ? 1_000_000 + Math.floor(rnd() * 400) : 1_000_000 + Math.floor(id / 7),
      server: pick(['a', 'b', 'c']),
      sessionId: rnd() < 0.2 ? null : pick(['s1', 's2', 's3', 's4']),
      direction: kind === 'request' && rnd() < 0.8 ? 'client_to_server' : 'server_to_client',
      kind,
      method: kind === 'invalid' ? null : pick(METHODS),
      jsonrpcId: jsonId,
      pairedId: null,
      relatedId: null,
      durationMs: answer ? Math.round(rnd() * rnd() * 3000 * 1000) / 1000 : null,
      httpStatus: pick([200, 200, 202, 400, null]),
      exchangeId: null,
      stream: null,
      sseEventId: null,
      size: 10,
      body: JSON.stringify({ jsonrpc: '2.0', id: jsonId, method: 'x', params: { text: words, call: 'tools/call' } }),
      truncated: false,
      isError: kind === 'error' || (kind === 'response' && rnd() < 0.05),
      redactions: [], origin: 'client', replayOf: null, injected: null,
    });
  }
  return rows;
}

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function matches(row: MessageRecord, f: MessageFilter): boolean {
  if (f.server !== undefined && row.server !== f.server) return false;
  if (f.session !== undefined && row.sessionId !== f.session) return false;
  if (f.method !== undefined) {
    const prefix = f.method.endsWith('*') ? f.method.slice(0, -1) : null;
    if (prefix !== null ? row.method === null || !row.method.startsWith(prefix) : row.method !== f.method) return false;
  }
  if (f.direction !== undefined && row.direction !== f.direction) return false;
  if (f.kind !== undefined && row.kind !== f.kind) return false;
  if (f.errors !== undefined && row.isError !== f.errors) return false;
  if (f.status !== undefined && row.httpStatus !== f.status) return false;
  if (f.minDurationMs !== undefined && (row.durationMs === null || row.durationMs < f.minDurationMs)) return false;
  if (f.since !== undefined && row.timestamp < f.since) return false;
  if (f.until !== undefined && row.timestamp > f.until) return false;
  if (f.jsonrpcId !== undefined && JSON.stringify(row.jsonrpcId) !== f.jsonrpcId) return false;
  if (f.q !== undefined) {
    const body = tokens(row.body).join(' ');
    for (const term of f.q.split(/\s+/)) {
      const phrase = tokens(term).join(' ');
      if (phrase && !` ${body} `.includes(` ${phrase} `)) return false;
    }
  }
  return true;
}

describe('message list planner', () => {
  const { sqlite } = openDatabase(':memory:');
  const rows = seedRows();
  insertMessages(sqlite, rows);
  const queries = new MessageQueries(sqlite);

  /** Pages through with the cursor each page hands back. */
  function pageAll(filter: MessageFilter, order: Cursor['order'], limit: number, start: Partial<Cursor> = {}): number[] {
    const seen: number[] = [];
    let cursor: Cursor = { order, limit, ...start };
    for (let i = 0; i < 10_000; i++) {
      const page = queries.page(filter, cursor, 10);
      seen.push(...page.messages.map((m) => m.id));
      if (!page.next) return seen;
      cursor = { ...cursor, ...page.next };
    }
    throw new Error('paging did not end');
  }

  const cases: Array<[string, MessageFilter]> = [
    ['no filter', {}],
    ['server', { server: 'b' }],
    ['session', { session: 's3' }],
    ['method', { method: 'resources/read' }],
    ['method prefix', { method: 'resources/*' }],
    ['method prefix of everything', { method: '*' }],
    ['direction', { direction: 'client_to_server' }],
    ['kind', { kind: 'invalid' }],
    ['errors', { errors: true }],
    ['not errors', { errors: false }],
    ['status', { status: 400 }],
    ['min duration, common', { minDurationMs: 5 }],
    ['min duration, rare', { minDurationMs: 2500 }],
    ['since', { since: 1_000_500 }],
    ['until, old (imported rows included)', { until: 1_000_100 }],
    ['time window', { since: 1_000_300, until: 1_000_310 }],
    ['jsonrpc id number', { jsonrpcId: '1' }],
    ['jsonrpc id string', { jsonrpcId: '"1"' }],
    ['q', { q: 'weather' }],
    ['q phrase from punctuation', { q: 'tools/call forecast' }],
    ['combined', { server: 'a', kind: 'response', minDurationMs: 100, since: 1_000_200 }],
    ['prefix with q and time', { method: 'tools/*', q: 'gamma', until: 1_000_700 }],
  ];

  for (const [name, filter] of cases) {
    it(`pages ${name} without losing or repeating a row, both ways`, () => {
      const expected = rows.filter((r) => matches(r, filter)).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(pageAll(filter, 'desc', 97)).toEqual([...expected].reverse());
      expect(pageAll(filter, 'asc', 250)).toEqual(expected);
      // From a cursor in the middle, in both directions.
      const middle = 3001;
      expect(pageAll(filter, 'desc', 61, { before: middle })).toEqual(expected.filter((id) => id < middle).reverse());
      expect(pageAll(filter, 'asc', 61, { after: middle })).toEqual(expected.filter((id) => id > middle));
    });
  }

  it('races minDurationMs to the same rows whichever plan wins, through every turn of the race', () => {
    // A tiny scan chunk: the index plan then needs several rounds (its budget doubles), and
    // with a common threshold the scan wins after several chunks.
    for (const minDurationMs of [1, 5, 100, 1000, 2500, 2999]) {
      for (const filter of [{ minDurationMs }, { minDurationMs, server: 'a' }, { minDurationMs, kind: 'error' as const }]) {
        const expected = rows.filter((r) => matches(r, filter)).map((r) => r.id);
        for (const scanChunk of [3, 16, 64]) {
          for (const limit of [1, 7, 40, 500]) {
            expect(selectIds(queries.cache, filter, { order: 'desc', limit }, { scanChunk })).toEqual([...expected].reverse().slice(0, limit));
            expect(selectIds(queries.cache, filter, { order: 'asc', limit, after: 2000 }, { scanChunk })).toEqual(expected.filter((id) => id > 2000).slice(0, limit));
            expect(selectIds(queries.cache, filter, { order: 'desc', limit, before: 4000 }, { scanChunk })).toEqual(expected.filter((id) => id < 4000).reverse().slice(0, limit));
          }
        }
      }
    }
  });

  it('reads each equality filter from its (partial) index in id order, and server-to-client rows by the primary key', () => {
    // The shape of the planner's equality query (orderedIds), with a cursor.
    const plan = (filter: MessageFilter): string => {
      const where = and([...equalityConditions(filter), ...cursorConditions({ before: 5000 })]);
      const sql = `EXPLAIN QUERY PLAN SELECT m.id FROM messages m WHERE ${where.sql} ORDER BY m.id DESC LIMIT 100`;
      return (sqlite.prepare(sql).all(...where.params) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    };
    expect(plan({ direction: 'client_to_server' })).toMatch(/USING COVERING INDEX messages_from_client/);
    expect(plan({ direction: 'server_to_client' })).toMatch(/USING INTEGER PRIMARY KEY/);
    expect(plan({ session: 's1' })).toMatch(/INDEX messages_session_id/);
    expect(plan({ status: 400 })).toMatch(/INDEX messages_status_id/);
    expect(plan({ jsonrpcId: '1' })).toMatch(/INDEX messages_jsonrpc_id/);
    expect(plan({ errors: true })).toMatch(/INDEX messages_errors/);
    for (const filter of [{ direction: 'client_to_server' }, { session: 's1' }, { status: 400 }, { jsonrpcId: '1' }] as MessageFilter[]) {
      expect(plan(filter)).not.toMatch(/TEMP B-TREE/);
    }
    const related = (sqlite.prepare('EXPLAIN QUERY PLAN SELECT * FROM messages WHERE related_id = ? ORDER BY id').all(1) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    expect(related).toMatch(/INDEX messages_related/);
  });

  it('keeps every row when many share a millisecond', () => {
    const sameMs = rows.filter((r) => r.timestamp === 1_000_100).map((r) => r.id);
    expect(sameMs.length).toBeGreaterThanOrEqual(7);
    expect(pageAll({ since: 1_000_100, until: 1_000_100 }, 'desc', 2)).toEqual([...sameMs].reverse());
  });

  it('treats a q with no words as matching nothing, and FTS syntax as literal text', () => {
    expect(queries.ids({ q: '*' }, { order: 'desc', limit: 10 })).toEqual([]);
    for (const q of ['"', 'weather"', 'OR', 'weather OR', 'NEAR(weather)', '-weather', '(weather', "weather'; DROP TABLE messages; --", 'col:weather', '^weather']) {
      expect(() => queries.ids({ q }, { order: 'desc', limit: 10 })).not.toThrow();
    }
    expect(queries.ids({ q: 'weather"' }, { order: 'desc', limit: 5000 })).toEqual(
      rows.filter((r) => matches(r, { q: 'weather' })).map((r) => r.id).reverse(),
    );
  });

  it('iterates everything in id order, in pages', () => {
    const ids = [...queries.iterate({ server: 'c' }, { pageSize: 100 })].map((r) => r.id);
    expect(ids).toEqual(rows.filter((r) => r.server === 'c').map((r) => r.id));
  });
});
