// Turns stored messages into what the analyzer looks at: each page of a list
// answer (for the poisoning scan), each complete list (pages merged across
// cursors, for drift), and each tool result, prompt and resource read.
import type { AnalysisRow, ClientInfo } from '../store/definitions.js';
import type { DefinitionEntry, DefinitionKind } from '../types.js';
import { canonicalEntry, canonicalList, isObject, LIST_METHODS, type CanonicalList, type Json, type JsonObject } from './canonical.js';

export type { AnalysisRow, ClientInfo } from '../store/definitions.js';

/** Methods whose messages the analyzer reads; everything else is skipped before it is copied to the analyzer. */
export const ANALYZED_METHODS: ReadonlySet<string> = new Set(['initialize', ...Object.keys(LIST_METHODS), 'tools/call', 'prompts/get', 'resources/read']);

/** Where an entry of a merged list was: the page's message and its index there. */
export interface EntrySource {
  messageId: number;
  index: number;
}

export interface Context {
  server: string;
  session: string | null;
  client: ClientInfo;
  messageId: number;
  timestamp: number;
  /** The gateway replayed it: its lists say nothing about what clients were given. */
  replay: boolean;
}

export type Observation =
  /** One answer page: its entries and the raw result, for the poisoning scan. */
  | (Context & { type: 'page'; kind: DefinitionKind; result: JsonObject; entries: Array<{ entry: DefinitionEntry; index: number }> })
  /** A complete list: every page since the first, merged. */
  | (Context & { type: 'list'; list: CanonicalList; sources: Map<string, EntrySource>; serverVersion: string | null })
  /** A tool result, a prompt or a resource read. */
  | (Context & { type: 'result'; method: string; result: JsonObject });

export interface CollectorOptions {
  /** A request that was stored before the analyzer saw it (it started after the request): read it from the database. */
  requestById?: (id: number) => AnalysisRow | undefined;
  /** What initialize said about a session the analyzer did not see start. */
  sessionClient?: (server: string, session: string) => ClientInfo | null;
}

interface PendingRequest {
  method: string;
  cursor: string | null;
  client: ClientInfo | null;
}

interface PagesInProgress {
  nextCursor: string;
  entries: DefinitionEntry[];
  sources: Map<string, EntrySource>;
}

/** Requests and sessions remembered at most this many (the oldest go first). */
const MAX_TRACKED = 20_000;

const CLIENT_INFO_META = 'io.modelcontextprotocol/clientInfo';

export class Collector {
  private readonly requests = new Map<number, PendingRequest>();
  private readonly sessions = new Map<string, { client: ClientInfo; serverVersion: string | null }>();
  private readonly pages = new Map<string, PagesInProgress>();

  constructor(private readonly options: CollectorOptions = {}) {}

  observe(row: AnalysisRow): Observation[] {
    if (row.truncated || row.method === null || !ANALYZED_METHODS.has(row.method)) return [];
    const message = parse(row.body);
    if (!message) return [];
    if (row.kind === 'request' && row.direction === 'client_to_server') {
      // Only requests whose answer takes them: other results are scanned without their request,
      // and remembering every tools/call kept 20,000 requests that were never looked at again.
      if (row.method === 'initialize' || LIST_METHODS[row.method]) this.noteRequest(row, message);
      return [];
    }
    if (row.kind !== 'response' || row.direction !== 'server_to_client' || !isObject(message.result)) return [];
    const result = message.result;
    const list = LIST_METHODS[row.method];
    // A result is scanned as it is: its request (never sent here) has nothing the scan needs.
    if (row.method !== 'initialize' && !list) return [{ type: 'result', method: row.method, result, ...this.context(row, null) }];
    const request = this.takeRequest(row.pairedId);
    if (row.method === 'initialize') return this.initialized(row, result, request);
    return list ? this.page(row, list.kind, list.field, result, request) : [];
  }

  /** The session ended: its client info and any list it was paging through go. */
  endSession(server: string, session: string): void {
    this.sessions.delete(`${server}\u0000${session}`);
    for (const kind of Object.values(LIST_METHODS)) this.pages.delete(`${server}\u0000${session}\u0000${kind.kind}`);
  }

  private noteRequest(row: AnalysisRow, message: JsonObject): void {
    const params = isObject(message.params) ? message.params : {};
    const meta = isObject(params._meta) ? params._meta : {};
    const clientInfo = row.method === 'initialize' ? params.clientInfo : meta[CLIENT_INFO_META];
    const client = isObject(clientInfo) ? { name: stringOr(clientInfo.name), version: stringOr(clientInfo.version) } : null;
    remember(this.requests, row.id, { method: row.method as string, cursor: stringOr(params.cursor), client });
  }

  private takeRequest(id: number | null): PendingRequest | null {
    if (id === null) return null;
    const known = this.requests.get(id);
    if (known) {
      this.requests.delete(id);
      return known;
    }
    const stored = this.options.requestById?.(id);
    if (!stored || stored.truncated) return null;
    const message = parse(stored.body);
    if (!message) return null;
    this.noteRequest(stored, message);
    const found = this.requests.get(id) ?? null;
    this.requests.delete(id);
    return found;
  }

  private context(row: AnalysisRow, request: PendingRequest | null): Context {
    const session = row.sessionId === null ? null : this.sessions.get(`${row.server}\u0000${row.sessionId}`);
    const client = request?.client ?? session?.client ?? this.storedClient(row) ?? { name: null, version: null };
    return { server: row.server, session: row.sessionId, client, messageId: row.id, timestamp: row.timestamp, replay: row.origin === 'replay' };
  }

  private storedClient(row: AnalysisRow): ClientInfo | null {
    if (row.sessionId === null) return null;
    const client = this.options.sessionClient?.(row.server, row.sessionId) ?? null;
    if (client) remember(this.sessions, `${row.server}\u0000${row.sessionId}`, { client, serverVersion: null });
    return client;
  }

  private initialized(row: AnalysisRow, result: JsonObject, request: PendingRequest | null): Observation[] {
    const client = request?.client ?? { name: null, version: null };
    const serverInfo = isObject(result.serverInfo) ? result.serverInfo : {};
    const serverVersion = stringOr(serverInfo.version);
    if (row.sessionId !== null) remember(this.sessions, `${row.server}\u0000${row.sessionId}`, { client, serverVersion });
    const entry = canonicalEntry('initialize', result);
    if (!entry) return [];
    const context = this.context(row, request);
    return [
      { type: 'page', kind: 'initialize', result, entries: [{ entry, index: 0 }], ...context },
      { type: 'list', list: canonicalList('initialize', [entry]), sources: new Map([[entry.key, { messageId: row.id, index: 0 }]]), serverVersion, ...context },
    ];
  }

  private page(row: AnalysisRow, kind: DefinitionKind, field: string, result: JsonObject, request: PendingRequest | null): Observation[] {
    const raw = result[field];
    if (!Array.isArray(raw)) return [];
    const entries: Array<{ entry: DefinitionEntry; index: number }> = [];
    raw.forEach((item, index) => {
      const entry = canonicalEntry(kind, item);
      if (entry) entries.push({ entry, index });
    });
    const context = this.context(row, request);
    const observations: Observation[] = [{ type: 'page', kind, result, entries, ...context }];

    const key = `${row.server}\u0000${row.sessionId ?? ''}\u0000${kind}`;
    const cursor = request?.cursor ?? null;
    let pages = this.pages.get(key);
    if (cursor === null) pages = { nextCursor: '', entries: [], sources: new Map() };
    // A later page of a list whose beginning the analyzer did not see: it cannot be completed.
    else if (!pages || pages.nextCursor !== cursor) {
      this.pages.delete(key);
      return observations;
    }
    for (const { entry, index } of entries) {
      pages.entries.push(entry);
      pages.sources.set(entry.key, { messageId: row.id, index });
    }
    const next = stringOr(result.nextCursor);
    if (next !== null) {
      pages.nextCursor = next;
      remember(this.pages, key, pages);
      return observations;
    }
    this.pages.delete(key);
    const serverVersion = row.sessionId === null ? null : (this.sessions.get(`${row.server}\u0000${row.sessionId}`)?.serverVersion ?? null);
    observations.push({ type: 'list', list: canonicalList(kind, pages.entries), sources: pages.sources, serverVersion, ...context });
    return observations;
  }
}

function parse(body: string): JsonObject | null {
  try {
    const value = JSON.parse(body) as Json;
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function stringOr(value: Json | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value as K);
}
