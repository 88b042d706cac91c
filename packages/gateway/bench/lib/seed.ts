// Seeds a logs.db with realistic recorded traffic, fast: the schema comes from the
// gateway's own migrations (openDatabase from dist); rows go in through one prepared
// statement in one transaction, with the secondary indexes built afterwards.
import type Database from 'better-sqlite3';
import { prng } from './stats.js';

export interface SeedFacts {
  rows: number;
  exchanges: number;
  servers: string[];
  sessions: string[];
  methods: string[];
  firstTimestamp: number;
  lastTimestamp: number;
  jsonrpcIds: string[];
  /** Words planted at known rates for full-text search. */
  words: { rare: string; common: string; phrase: string };
  ms: { generateAndInsert: number; indexes: number; total: number };
  indexesRebuilt: string[];
  triggers: string[];
  ftsTable: string | null;
  fileMB?: number;
}

const SERVERS: Array<[string, number]> = [
  ['github', 0.35],
  ['filesystem', 0.25],
  ['everything', 0.2],
  ['postgres', 0.12],
  ['slack', 0.08],
];
const REQUEST_METHODS: Array<[string, number]> = [
  ['tools/call', 0.62],
  ['tools/list', 0.07],
  ['resources/read', 0.1],
  ['resources/list', 0.04],
  ['prompts/get', 0.03],
  ['prompts/list', 0.02],
  ['ping', 0.06],
  ['completion/complete', 0.02],
  ['initialize', 0.03],
  ['logging/setLevel', 0.01],
];
const TOOLS = ['search_code', 'read_file', 'write_file', 'list_directory', 'run_query', 'create_issue', 'get_pull_request', 'send_message', 'echo', 'get_weather'];

function pick<T>(rand: () => number, table: Array<[T, number]>): T {
  let r = rand();
  for (const [value, weight] of table) {
    r -= weight;
    if (r <= 0) return value;
  }
  return table[table.length - 1]![0];
}

function words(rand: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'den', 'bor', 'lin', 'tor', 'fa', 'gel', 'hum', 'jax', 'wen'];
  const out = new Set<string>();
  while (out.size < 4000) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += syllables[Math.floor(rand() * syllables.length)];
    out.add(w);
  }
  return [...out];
}

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** `rebuildDerived` is the gateway's own (dist store/derived.js): search index, sessions and zone map for rows inserted directly. */
export function seedMessages(sqlite: Database.Database, count: number, log: (m: string) => void, rebuildDerived: (sqlite: Database.Database) => void): SeedFacts {
  const t0 = performance.now();
  const rand = prng(20261121);
  const vocab = words(rand);
  // Zipf-ish: common words far more frequent than rare ones.
  const word = (): string => vocab[Math.floor(vocab.length * rand() ** 2.5)] as string;
  const fragment = (min: number, max: number): string => {
    const target = min + Math.floor(rand() * (max - min));
    let s = '';
    while (s.length < target) s += (s ? ' ' : '') + word();
    return s;
  };
  // A pool of texts so generation stays cheap; each row still gets its own id and trace.
  const shortPool = Array.from({ length: 4096 }, () => fragment(20, 160));
  const longPool = Array.from({ length: 4096 }, () => {
    const r = rand();
    return r < 0.6 ? fragment(100, 400) : r < 0.9 ? fragment(400, 1200) : fragment(1200, 1900);
  });
  const RARE = 'zanzibar';
  const COMMON = 'timeout';
  const PHRASE = 'connection refused';

  const columns = new Set((sqlite.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string; notnull: number; dflt_value: unknown }>).map((c) => c.name));
  const exchangeColumns = new Set((sqlite.prepare('PRAGMA table_info(exchanges)').all() as Array<{ name: string }>).map((c) => c.name));
  const messageFields = ['id', 'timestamp', 'server', 'session_id', 'direction', 'kind', 'method', 'jsonrpc_id', 'paired_id', 'related_id', 'duration_ms', 'http_status', 'exchange_id', 'stream', 'sse_event_id', 'size', 'body', 'truncated', 'is_error', 'redactions'].filter((c) => columns.has(c));
  const exchangeFields = ['id', 'server', 'session_id', 'method', 'path', 'status', 'request_headers', 'response_headers', 'received_at', 'upstream_first_byte_at', 'done_at', 'error'].filter((c) => exchangeColumns.has(c));
  const insertMessage = sqlite.prepare(`INSERT INTO messages (${messageFields.join(', ')}) VALUES (${messageFields.map(() => '?').join(', ')})`);
  const insertExchange = sqlite.prepare(`INSERT INTO exchanges (${exchangeFields.join(', ')}) VALUES (${exchangeFields.map(() => '?').join(', ')})`);

  // Secondary indexes on messages are rebuilt after the insert: much faster than maintaining them row by row.
  const indexes = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('messages', 'exchanges') AND sql IS NOT NULL`).all() as Array<{ name: string; sql: string }>;
  const triggers = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages'`).all() as Array<{ name: string }>).map((t) => t.name);
  const fts = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%' AND sql LIKE '%content=%messages%'`).get() as { name: string } | undefined)?.name ?? null;
  for (const index of indexes) sqlite.exec(`DROP INDEX ${index.name}`);
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');

  const allSessions: string[] = [];
  const active: Array<{ server: string; session: string; left: number; nextId: number }> = [];
  const newSession = (): { server: string; session: string; left: number; nextId: number } => {
    const server = pick(rand, SERVERS);
    const session = `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`;
    allSessions.push(session);
    return { server, session, left: 100 + Math.floor(rand() * 800), nextId: 0 };
  };
  for (let i = 0; i < 24; i++) active.push(newSession());

  let id = 0;
  let exchangeId = 0;
  let t = Date.now() - 7 * 24 * 3600 * 1000;
  const gap = (7 * 24 * 3600 * 1000) / count;
  const methodsSeen = new Set<string>();
  const jsonrpcIds: string[] = [];
  const values: unknown[] = new Array(messageFields.length);
  const row: Record<string, unknown> = {};
  const put = (r: Record<string, unknown>): void => {
    for (let i = 0; i < messageFields.length; i++) values[i] = r[messageFields[i] as string] ?? null;
    insertMessage.run(values);
  };
  const exchange = (server: string, session: string, method: string, status: number, at: number, done: number): number => {
    const ex = ++exchangeId;
    const r: Record<string, unknown> = {
      id: ex,
      server,
      session_id: session,
      method,
      path: `/s/${server}/mcp`,
      status,
      request_headers: `{"content-type":"application/json","accept":"application/json, text/event-stream","mcp-session-id":"${session}","authorization":"[REDACTED:header]","user-agent":"node"}`,
      response_headers: `{"content-type":"text/event-stream","cache-control":"no-cache"}`,
      received_at: at,
      upstream_first_byte_at: at + 1,
      done_at: done,
      error: null,
    };
    insertExchange.run(exchangeFields.map((f) => r[f] ?? null));
    return ex;
  };
  const message = (fields: Record<string, unknown>): number => {
    const mid = ++id;
    for (const key in row) delete row[key];
    Object.assign(row, { id: mid, truncated: 0, is_error: 0, redactions: '', stream: 'http-body' }, fields);
    row.size = Buffer.byteLength(row.body as string);
    put(row);
    return mid;
  };

  const insertAll = sqlite.transaction(() => {
    while (id < count) {
      const slot = Math.floor(rand() * active.length);
      const s = active[slot]!;
      const { server, session } = s;
      t += -Math.log(1 - rand()) * gap;
      const ts = Math.floor(t);
      const r = rand();
      if (r < 0.8 || r >= 0.98) {
        // A request and its answer; 2% of the time the server asks the client (sampling).
        const serverAsks = r >= 0.98;
        const method = serverAsks ? 'sampling/createMessage' : pick(rand, REQUEST_METHODS);
        methodsSeen.add(method);
        const jid = ++s.nextId;
        const jidText = String(jid);
        if (jsonrpcIds.length < 200 && rand() < 0.001) jsonrpcIds.push(jidText);
        const duration = Math.exp(Math.log(40) + 1.4 * gaussian(rand));
        const e = rand();
        const status = e < 0.005 ? 500 : e < 0.008 ? 404 : e < 0.01 ? 400 : 200;
        const isRpcError = status !== 200 || rand() < 0.01;
        const toolError = !isRpcError && method === 'tools/call' && rand() < 0.03;
        const ex = exchange(server, session, 'POST', status, ts, ts + duration);
        const tool = TOOLS[Math.floor(rand() * TOOLS.length)];
        const trace = rand() < 0.5 ? `,"_meta":{"trace":"${hex(rand, 16)}"}` : '';
        const params =
          method === 'tools/call'
            ? `{"name":"${tool}","arguments":{"query":"${shortPool[Math.floor(rand() * 4096)]}"}${trace}}`
            : method === 'resources/read'
              ? `{"uri":"file:///home/user/project/src/${word()}/${word()}.ts"${trace}}`
              : `{${trace.slice(1)}}`;
        const reqId = message({
          timestamp: ts,
          server,
          session_id: session,
          direction: serverAsks ? 'server_to_client' : 'client_to_server',
          kind: 'request',
          method,
          jsonrpc_id: jidText,
          paired_id: id + 2,
          http_status: status,
          exchange_id: ex,
          stream: serverAsks ? 'get-sse' : 'http-body',
          body: `{"jsonrpc":"2.0","id":${jid},"method":"${method}","params":${params}}`,
        });
        let text = longPool[Math.floor(rand() * 4096)] as string;
        if (rand() < 0.001) text += ` ${RARE}`;
        if (rand() < 0.05) text += ` ${COMMON}`;
        const body = isRpcError
          ? `{"jsonrpc":"2.0","id":${jid},"error":{"code":${status === 404 ? -32001 : -32603},"message":"${rand() < 0.3 ? `${PHRASE} by upstream` : 'internal error'} ${word()} ${COMMON}"}}`
          : `{"jsonrpc":"2.0","id":${jid},"result":{"content":[{"type":"text","text":"${text}"}],"isError":${toolError}}}`;
        message({
          timestamp: Math.floor(ts + duration),
          server,
          session_id: session,
          direction: serverAsks ? 'client_to_server' : 'server_to_client',
          kind: isRpcError ? 'error' : 'response',
          method,
          jsonrpc_id: jidText,
          paired_id: reqId,
          duration_ms: Math.round(duration * 1000) / 1000,
          http_status: status,
          exchange_id: ex,
          stream: serverAsks ? 'http-body' : rand() < 0.5 ? 'post-sse' : 'http-body',
          body,
          is_error: isRpcError || toolError ? 1 : 0,
        });
        s.left -= 2;
      } else if (r < 0.92) {
        // A long tool call with progress notifications on its SSE stream.
        const jid = ++s.nextId;
        const steps = 2 + Math.floor(rand() * 10);
        const duration = 200 + rand() * 3000;
        const ex = exchange(server, session, 'POST', 200, ts, ts + duration);
        methodsSeen.add('tools/call');
        methodsSeen.add('notifications/progress');
        const reqId = message({
          timestamp: ts, server, session_id: session, direction: 'client_to_server', kind: 'request', method: 'tools/call', jsonrpc_id: String(jid), paired_id: id + steps + 2, http_status: 200, exchange_id: ex,
          body: `{"jsonrpc":"2.0","id":${jid},"method":"tools/call","params":{"name":"${TOOLS[jid % TOOLS.length]}","arguments":{"query":"${shortPool[Math.floor(rand() * 4096)]}"},"_meta":{"progressToken":${jid}}}}`,
        });
        for (let k = 1; k <= steps; k++) {
          message({
            timestamp: Math.floor(ts + (duration * k) / (steps + 1)), server, session_id: session, direction: 'server_to_client', kind: 'notification', method: 'notifications/progress', related_id: reqId, http_status: 200, exchange_id: ex, stream: 'post-sse', sse_event_id: `${ex}-${k}`,
            body: `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":${jid},"progress":${k},"total":${steps},"message":"${word()} ${word()} ${k}/${steps}"}}`,
          });
        }
        message({
          timestamp: Math.floor(ts + duration), server, session_id: session, direction: 'server_to_client', kind: 'response', method: 'tools/call', jsonrpc_id: String(jid), paired_id: reqId, duration_ms: Math.round(duration * 1000) / 1000, http_status: 200, exchange_id: ex, stream: 'post-sse',
          body: `{"jsonrpc":"2.0","id":${jid},"result":{"content":[{"type":"text","text":"${longPool[Math.floor(rand() * 4096)]}"}]}}`,
        });
        s.left -= steps + 2;
      } else if (r < 0.96) {
        const method = rand() < 0.7 ? 'notifications/initialized' : 'notifications/cancelled';
        methodsSeen.add(method);
        const ex = exchange(server, session, 'POST', 202, ts, ts + 1);
        message({
          timestamp: ts, server, session_id: session, direction: 'client_to_server', kind: 'notification', method, http_status: 202, exchange_id: ex,
          body: method === 'notifications/initialized' ? '{"jsonrpc":"2.0","method":"notifications/initialized"}' : `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${s.nextId},"reason":"user ${word()}"}}`,
        });
        s.left -= 1;
      } else {
        const method = rand() < 0.8 ? 'notifications/message' : 'notifications/tools/list_changed';
        methodsSeen.add(method);
        message({
          timestamp: ts, server, session_id: session, direction: 'server_to_client', kind: 'notification', method, http_status: 200, stream: 'get-sse',
          body: method === 'notifications/message' ? `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","logger":"${word()}","data":"${shortPool[Math.floor(rand() * 4096)]}"}}` : `{"jsonrpc":"2.0","method":"${method}"}`,
        });
        s.left -= 1;
      }
      if (s.left <= 0) active[slot] = newSession();
      if (id % 200_000 < 2 && id > 2) log(`seeded ${id.toLocaleString('en-US')} rows…`);
    }
  });
  insertAll();
  // Ids continue from sqlite_sequence in the writer; keep it in step as AUTOINCREMENT would.
  sqlite.prepare(`INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('messages', ?), ('exchanges', ?)`).run(id, exchangeId);
  const t1 = performance.now();
  for (const index of indexes) sqlite.exec(index.sql);
  // No insert trigger keeps the search index, sessions and zone map (the writer and
  // imports do it per batch): build them for the rows above, as the gateway would.
  rebuildDerived(sqlite);
  // No ANALYZE: the gateway never runs it, so the planner works without statistics, as in real use.
  const t2 = performance.now();
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const servers = SERVERS.map(([s]) => s);
  // Sessions spread over the whole id range, busiest servers first.
  const sessions: string[] = [];
  for (let i = 0; sessions.length < 60 && i < allSessions.length; i += Math.max(1, Math.floor(allSessions.length / 60))) sessions.push(allSessions[i] as string);
  return {
    rows: id,
    exchanges: exchangeId,
    servers,
    sessions,
    methods: [...methodsSeen],
    firstTimestamp: Date.now() - 7 * 24 * 3600 * 1000,
    lastTimestamp: Math.floor(t),
    jsonrpcIds: jsonrpcIds.length ? jsonrpcIds : ['1', '2', '3'],
    words: { rare: RARE, common: COMMON, phrase: PHRASE },
    ms: { generateAndInsert: t1 - t0, indexes: t2 - t1, total: t2 - t0 },
    indexesRebuilt: indexes.map((i) => i.name),
    triggers,
    ftsTable: fts,
  };
}

function gaussian(rand: () => number): number {
  // Box-Muller.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
