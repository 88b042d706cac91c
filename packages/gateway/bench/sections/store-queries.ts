// 5(c). 1,000,000 seeded messages: the list queries the UI makes, each filter alone,
// paging deep, and full-text search. Through GET /api/messages when the gateway has
// it; otherwise the equivalent SQL, with its query plan.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { Ctx } from '../lib/context.js';
import { importDist, type DistDb } from '../lib/dist.js';
import { startGatewayProc, tempDir, type GatewayProc } from '../lib/procs.js';
import { seedMessages, type SeedFacts } from '../lib/seed.js';
import { percentile, prng } from '../lib/stats.js';

interface QueryCase {
  name: string;
  /** Query string parameters for GET /api/messages (alternatives tried in order if the first is refused). */
  http: () => Array<Record<string, string>>;
  sql: () => { where: string; args: unknown[]; fts?: string };
  /** Checks one returned item, to catch a filter the API silently ignores. */
  check?: (item: Record<string, unknown>, params: Record<string, string>) => boolean;
  fullText?: boolean;
}

const PAGE = 100;

function cases(facts: SeedFacts, rand: () => number): QueryCase[] {
  const any = <T>(list: T[]): T => list[Math.floor(rand() * list.length)] as T;
  const deepBefore = (): number => 1 + Math.floor(rand() * facts.rows * 0.05);
  const hourStart = (): number => facts.firstTimestamp + Math.floor(rand() * (facts.lastTimestamp - facts.firstTimestamp - 3600_000));
  const iso = (ms: number): string => new Date(ms).toISOString();
  return [
    { name: 'newest page, no filter', http: () => [{}], sql: () => ({ where: '1', args: [] }) },
    {
      name: 'server',
      http: () => [{ server: any(facts.servers) }],
      sql: () => ({ where: 'server = ?', args: [any(facts.servers)] }),
      check: (item, p) => item.server === p.server,
    },
    {
      name: 'session',
      http: () => [{ session: any(facts.sessions) }],
      sql: () => ({ where: 'session_id = ?', args: [any(facts.sessions)] }),
      check: (item, p) => item.sessionId === p.session,
    },
    {
      name: 'method (exact)',
      http: () => [{ method: any(['tools/call', 'resources/read', 'prompts/get', 'initialize']) }],
      sql: () => ({ where: 'method = ?', args: [any(['tools/call', 'resources/read', 'prompts/get', 'initialize'])] }),
      check: (item, p) => item.method === p.method,
    },
    {
      name: 'method prefix tools/*',
      http: () => [{ method: 'tools/*' }],
      sql: () => ({ where: "method GLOB 'tools/*'", args: [] }),
      check: (item) => typeof item.method === 'string' && item.method.startsWith('tools/'),
    },
    {
      name: 'direction',
      http: () => [{ direction: any(['client_to_server', 'server_to_client']) }],
      sql: () => ({ where: 'direction = ?', args: [any(['client_to_server', 'server_to_client'])] }),
      check: (item, p) => item.direction === p.direction,
    },
    {
      name: 'kind=error (1.5%)',
      http: () => [{ kind: 'error' }],
      sql: () => ({ where: "kind = 'error'", args: [] }),
      check: (item) => item.kind === 'error',
    },
    {
      name: 'errors=true (~3%)',
      http: () => [{ errors: 'true' }],
      sql: () => ({ where: 'is_error = 1', args: [] }),
      check: (item) => item.isError === true,
    },
    {
      name: 'status=500 (0.5%)',
      http: () => [{ status: '500' }],
      sql: () => ({ where: 'http_status = 500', args: [] }),
      check: (item) => item.httpStatus === 500,
    },
    {
      name: 'minDurationMs=1000 (~1%)',
      http: () => [{ minDurationMs: '1000' }],
      sql: () => ({ where: 'duration_ms >= 1000', args: [] }),
      check: (item) => typeof item.durationMs === 'number' && item.durationMs >= 1000,
    },
    {
      name: 'since/until (1 hour)',
      http: () => {
        const a = hourStart();
        return [{ since: String(a), until: String(a + 3600_000) }, { since: iso(a), until: iso(a + 3600_000) }];
      },
      sql: () => {
        const a = hourStart();
        return { where: 'timestamp >= ? AND timestamp < ?', args: [a, a + 3600_000] };
      },
    },
    {
      name: 'jsonrpcId',
      http: () => [{ jsonrpcId: any(facts.jsonrpcIds) }],
      sql: () => ({ where: 'jsonrpc_id = ?', args: [any(facts.jsonrpcIds)] }),
    },
    {
      name: 'paging deep: before=<id in oldest 5%>',
      http: () => [{ before: String(deepBefore()) }],
      sql: () => ({ where: 'id < ?', args: [deepBefore()] }),
      check: (item, p) => typeof item.id === 'number' && item.id < Number(p.before),
    },
    {
      name: 'paging deep: server + before',
      http: () => [{ server: any(facts.servers), before: String(deepBefore()) }],
      sql: () => ({ where: 'server = ? AND id < ?', args: [any(facts.servers), deepBefore()] }),
      check: (item, p) => item.server === p.server && typeof item.id === 'number' && item.id < Number(p.before),
    },
    { name: `full text, rare word (0.04%)`, fullText: true, http: () => [{ q: facts.words.rare }], sql: () => ({ where: '', args: [], fts: facts.words.rare }) },
    { name: `full text, common word (~3%)`, fullText: true, http: () => [{ q: facts.words.common }], sql: () => ({ where: '', args: [], fts: facts.words.common }) },
    // The API ANDs the words of q (store/fts.ts); the SQL form asks the same.
    { name: `full text, two words`, fullText: true, http: () => [{ q: facts.words.phrase }], sql: () => ({ where: '', args: [], fts: facts.words.phrase.split(' ').map((w) => `"${w}"`).join(' AND ') }) },
  ];
}

function itemsOf(body: unknown): Array<Record<string, unknown>> | null {
  if (Array.isArray(body)) return body as Array<Record<string, unknown>>;
  if (body && typeof body === 'object') {
    for (const key of ['messages', 'items', 'data', 'rows', 'results']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as Array<Record<string, unknown>>;
    }
  }
  return null;
}

async function apiAvailable(gw: GatewayProc): Promise<boolean> {
  const response = await request(`${gw.url}/api/messages?limit=1`, { headers: gw.auth });
  const text = await response.body.text();
  if (response.statusCode !== 200) return false;
  try {
    return itemsOf(JSON.parse(text)) !== null;
  } catch {
    return false;
  }
}

/** Runs `once` until `runs` samples or the time budget is spent (at least `minRuns`). */
async function sample(once: () => Promise<number> | number, runs: number, budgetMs: number, minRuns = 10): Promise<number[]> {
  const out: number[] = [];
  const start = performance.now();
  await once(); // warm
  while (out.length < runs && (out.length < minRuns || performance.now() - start < budgetMs)) out.push(await once());
  return out;
}

type PageFn = (params: Record<string, string>) => unknown;

/** The gateway's own list query (dist/store/message-queries.js), in process, when it is built. */
async function inProcess(sqlite: Database.Database): Promise<PageFn | null> {
  let mod: { MessageQueries?: new (db: Database.Database) => { page(filter: unknown, cursor: unknown, maxBody: number): unknown } };
  try {
    mod = await importDist('store/message-queries.js');
  } catch {
    return null;
  }
  if (typeof mod.MessageQueries !== 'function') return null;
  const queries = new mod.MessageQueries(sqlite);
  if (typeof queries.page !== 'function') return null;
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  return (p) =>
    queries.page(
      {
        server: p.server,
        session: p.session,
        method: p.method,
        direction: p.direction,
        kind: p.kind,
        errors: p.errors === undefined ? undefined : p.errors === 'true',
        status: num(p.status),
        minDurationMs: num(p.minDurationMs),
        since: num(p.since),
        until: num(p.until),
        jsonrpcId: p.jsonrpcId,
        q: p.q,
      },
      { before: num(p.before), limit: PAGE, order: 'desc' },
      1000,
    );
}

export interface StoreQueriesPlan {
  rows: number;
  /** Spawn to listening on the seeded store (1 s at 1M rows, 2 s at 10M). */
  startupTargetMs: number;
}

/** Seeds `rows` messages, starts a gateway on them and times the UI's queries; returns the home, for more measures on the same store. */
export async function storeQueries(ctx: Ctx, plan: StoreQueriesPlan = { rows: ctx.options.rows, startupTargetMs: 1000 }): Promise<{ home: string; facts: SeedFacts }> {
  const { openDatabase } = await importDist<DistDb>('store/db.js');
  const home = tempDir('store1m');
  const file = join(home, 'logs.db');
  const count = plan.rows;
  const label = count >= 1e6 ? `${Number((count / 1e6).toFixed(1))}M` : `${Math.round(count / 1000)}k`;
  ctx.log(`seeding ${count.toLocaleString('en-US')} messages into ${file}…`);
  const { sqlite: seedDb } = openDatabase(file);
  const { rebuildDerived } = await importDist<{ rebuildDerived(sqlite: Database.Database): void }>('store/derived.js');
  const facts = seedMessages(seedDb, count, ctx.log, rebuildDerived);
  seedDb.close();
  facts.fileMB = statSync(file).size / 1024 / 1024;
  ctx.log(`seeded ${facts.rows.toLocaleString('en-US')} messages, ${facts.exchanges.toLocaleString('en-US')} exchanges in ${(facts.ms.total / 1000).toFixed(1)} s (${facts.fileMB.toFixed(0)} MB)`);
  ctx.results.add({
    section: 'store',
    metric: `seed ${facts.rows.toLocaleString('en-US')} messages`,
    unit: 's',
    direct: null,
    gateway: facts.ms.total / 1000,
    compare: `${facts.fileMB.toFixed(0)} MB`,
    target: '',
    pass: null,
    note: `bench setup, not a gateway figure: one transaction, secondary indexes${facts.ftsTable ? ` and the ${facts.ftsTable} full-text index` : ''} built after, with the sessions and zone map (${(facts.ms.indexes / 1000).toFixed(1)} s of it)`,
  });

  // Retention wide enough for the seeded store (by default the gateway keeps 1,000,000 messages and 2 GB, and would prune a larger one).
  const gw = await startGatewayProc({ home, servers: {}, settings: { retention: { maxMessages: Math.max(1_000_000, count * 2), maxBytes: 2 ** 40 } } });
  const details: Record<string, unknown> = { facts, startupListenMs: gw.listenMs };
  ctx.results.add({
    section: 'startup',
    metric: `spawn → listening, ${(facts.rows / 1e6).toFixed(1)}M-row store`,
    unit: 'ms',
    direct: null,
    gateway: gw.listenMs,
    compare: '',
    target: `≤ ${plan.startupTargetMs} ms`,
    pass: gw.listenMs <= plan.startupTargetMs,
  });
  try {
    const viaApi = await apiAvailable(gw);
    const sqlite = new Database(file, { readonly: true });
    const page = viaApi ? null : await inProcess(sqlite);
    const how = viaApi ? 'HTTP' : page ? 'in process' : 'SQL only';
    details.how = how;
    const fts = facts.ftsTable;
    const runs = ctx.options.quick ? 20 : 50;
    const budget = ctx.options.quick ? 1500 : 4000;
    const rand = prng(7);
    const results: Record<string, unknown> = {};
    for (const c of cases(facts, rand)) {
      // The SQL form, always: its plan explains the other numbers too.
      const sqlOf = (): { text: string; args: unknown[] } => {
        const q = c.sql();
        if (q.fts !== undefined) {
          if (fts) return { text: `SELECT m.* FROM messages m WHERE m.id IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? ORDER BY rowid DESC LIMIT ${PAGE}) ORDER BY m.id DESC`, args: [q.fts] };
          return { text: `SELECT * FROM messages WHERE body LIKE ? ORDER BY id DESC LIMIT ${PAGE}`, args: [`%${q.fts.replace(/"/g, '')}%`] };
        }
        return { text: `SELECT * FROM messages WHERE ${q.where} ORDER BY id DESC LIMIT ${PAGE}`, args: q.args };
      };
      const example = sqlOf();
      const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${example.text}`).all(...example.args) as Array<{ detail: string }>).map((p) => p.detail);
      const entry: Record<string, unknown> = { sql: example.text, plan };
      let note = '';
      let times: number[] = [];
      if (viaApi || page) {
        // Find the parameter spelling accepted, and check that it filters.
        let chosen = 0;
        const variants = c.http();
        for (let v = 0; v < variants.length; v++) {
          const params = variants[v] as Record<string, string>;
          let ok = false;
          let body: unknown = null;
          if (viaApi) {
            const response = await request(`${gw.url}/api/messages?${new URLSearchParams({ ...params, limit: String(PAGE) })}`, { headers: gw.auth });
            body = (await response.body.json().catch(() => null)) as unknown;
            ok = response.statusCode === 200;
            if (!ok) note = `answered ${response.statusCode}: ${JSON.stringify(body).slice(0, 160)}`;
          } else {
            try {
              body = (page as PageFn)(params);
              ok = true;
            } catch (error) {
              note = `threw: ${(error as Error).message}`;
            }
          }
          if (ok) {
            chosen = v;
            note = '';
            const items = itemsOf(body) ?? [];
            entry.firstResponseItems = items.length;
            if (c.check && items.length && !items.every((it) => c.check!(it, params))) note = 'returned rows that do not match the filter (parameter ignored?)';
            break;
          }
        }
        times = await sample(
          async () => {
            const params = c.http()[chosen] as Record<string, string>;
            const t0 = performance.now();
            if (viaApi) {
              const response = await request(`${gw.url}/api/messages?${new URLSearchParams({ ...params, limit: String(PAGE) })}`, { headers: gw.auth });
              await response.body.arrayBuffer();
              if (response.statusCode !== 200) throw new Error(`GET /api/messages answered ${response.statusCode}`);
            } else (page as PageFn)(params);
            return performance.now() - t0;
          },
          runs,
          budget,
        ).catch((error: Error) => {
          note = error.message;
          return [] as number[];
        });
      } else {
        times = await sample(
          () => {
            const q = sqlOf();
            const statement = sqlite.prepare(q.text);
            const t0 = performance.now();
            statement.all(...q.args);
            return performance.now() - t0;
          },
          runs,
          budget,
        );
      }
      entry.ms = times;
      entry.note = note;
      entry.p95 = percentile(times, 95);
      const p95 = entry.p95 as number;
      const n = times.length;
      const target = c.fullText ? 100 : 25;
      ctx.results.add({
        section: `store ${label}`,
        metric: `${c.fullText ? '' : 'list: '}${c.name} p95 (n=${n})`,
        unit: 'ms',
        direct: null,
        gateway: n ? p95 : null,
        compare: how,
        target: `≤ ${target} ms`,
        pass: n > 0 && p95 <= target && !note,
        note:
          [
            note,
            how === 'SQL only' ? 'SQL only (API not available); equivalent SQL on the migrated schema' : how === 'in process' ? 'API route not available: the built MessageQueries.page() called in process (no HTTP)' : '',
            p95 > target || how === 'SQL only' ? `plan of the equivalent SQL: ${plan.join(' | ')}` : '',
            c.fullText && !fts ? 'no FTS5 table in the schema: timed as body LIKE (full scan)' : '',
          ]
            .filter(Boolean)
            .join('; ') || undefined,
      });
      results[c.name] = entry;
      ctx.log(`query ${c.name}: p95 ${p95.toFixed(2)} ms (n=${n}, ${how})${note ? ` ${note}` : ''}; plan ${plan.join(' | ')}`);
    }
    details.queries = results;
    sqlite.close();
  } finally {
    await gw.stop();
  }
  ctx.results.detail(plan.rows === ctx.options.rows ? 'store.queries' : `store.queries.${label}`, details);
  return { home, facts };
}
