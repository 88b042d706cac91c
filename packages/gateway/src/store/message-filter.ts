import type { Direction, MessageKind, MessageOrigin } from '../types.js';
import { ftsMatchExpression } from './fts.js';

/** The SQL text of each direction, from this table only (never from the request). */
const DIRECTION_LITERAL: Record<Direction, string> = { client_to_server: 'client_to_server', server_to_client: 'server_to_client' };
const ORIGIN_LITERAL: Record<MessageOrigin, string> = { client: 'client', replay: 'replay' };

/** What a list, an export or a clear selects. Every field narrows; none set selects all. */
export interface MessageFilter {
  server?: string;
  session?: string;
  /** Exact method, or a prefix ending in `*` (`tools/*`). */
  method?: string;
  direction?: Direction;
  kind?: MessageKind;
  /** true: JSON-RPC errors and results with `isError`; false: everything else. */
  errors?: boolean;
  /** HTTP status of the exchange that carried the message. */
  status?: number;
  minDurationMs?: number;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, inclusive. */
  until?: number;
  /** JSON text of the id as stored: `1` is the number, `"1"` the string. */
  jsonrpcId?: string;
  /** Literal words to find in the stored (redacted) body. */
  q?: string;
  /** Who sent it: `replay` for what the gateway sent (or received) replaying a recorded request. */
  origin?: MessageOrigin;
}

export interface Cursor {
  /** Only ids below this. */
  before?: number;
  /** Only ids above this. */
  after?: number;
  limit: number;
  order: 'asc' | 'desc';
}

/** A piece of SQL and its positional parameters, in order. */
export interface Fragment {
  sql: string;
  params: unknown[];
}

// Above every valid UTF-8 character: `prefix <= method < prefix + MAX_CHAR` is exactly "starts with prefix".
const MAX_CHAR = '\u{10FFFF}';

export function methodPrefix(method: string | undefined): string | null {
  return method !== undefined && method.endsWith('*') ? method.slice(0, -1) : null;
}

export function prefixBounds(prefix: string): [string, string] {
  return [prefix, prefix + MAX_CHAR];
}

/** Conditions an index can seek on with the id order intact (column = value), plus a method prefix as a range. */
export function equalityConditions(filter: MessageFilter, alias = 'm'): Fragment[] {
  const out: Fragment[] = [];
  const eq = (column: string, value: unknown): void => {
    out.push({ sql: `${alias}.${column} = ?`, params: [value] });
  };
  if (filter.server !== undefined) eq('server', filter.server);
  if (filter.session !== undefined) eq('session_id', filter.session);
  const prefix = methodPrefix(filter.method);
  if (prefix !== null) out.push({ sql: `${alias}.method >= ? AND ${alias}.method < ?`, params: prefixBounds(prefix) });
  else if (filter.method !== undefined) eq('method', filter.method);
  // A literal, like errors below, so the partial index messages_from_client applies.
  if (filter.direction !== undefined) out.push({ sql: `${alias}.direction = '${DIRECTION_LITERAL[filter.direction]}'`, params: [] });
  if (filter.kind !== undefined) eq('kind', filter.kind);
  // Literal 1/0 (not a parameter) so the partial index messages_errors applies.
  if (filter.errors !== undefined) out.push({ sql: `${alias}.is_error = ${filter.errors ? 1 : 0}`, params: [] });
  if (filter.status !== undefined) eq('http_status', filter.status);
  if (filter.jsonrpcId !== undefined) eq('jsonrpc_id', filter.jsonrpcId);
  // A literal so the partial index messages_replay applies.
  if (filter.origin !== undefined) out.push({ sql: `${alias}.origin = '${ORIGIN_LITERAL[filter.origin]}'`, params: [] });
  return out;
}

/** Range conditions: no index gives them in id order, so the planner races two plans for them. */
export function rangeConditions(filter: MessageFilter, alias = 'm'): Fragment[] {
  const out: Fragment[] = [];
  if (filter.since !== undefined) out.push({ sql: `${alias}.timestamp >= ?`, params: [filter.since] });
  if (filter.until !== undefined) out.push({ sql: `${alias}.timestamp <= ?`, params: [filter.until] });
  if (filter.minDurationMs !== undefined) out.push({ sql: `${alias}.duration_ms >= ?`, params: [filter.minDurationMs] });
  return out;
}

export function cursorConditions(cursor: Pick<Cursor, 'before' | 'after'>, column = 'm.id'): Fragment[] {
  const out: Fragment[] = [];
  if (cursor.before !== undefined) out.push({ sql: `${column} < ?`, params: [cursor.before] });
  if (cursor.after !== undefined) out.push({ sql: `${column} > ?`, params: [cursor.after] });
  return out;
}

export function hasRange(filter: MessageFilter): boolean {
  return filter.since !== undefined || filter.until !== undefined || filter.minDurationMs !== undefined;
}

/** The MATCH expression of `q`; `false` when q is set but can match nothing. */
export function matchOf(filter: MessageFilter): string | null | false {
  if (filter.q === undefined) return null;
  return ftsMatchExpression(filter.q) ?? false;
}

export function and(fragments: Fragment[]): Fragment {
  if (fragments.length === 0) return { sql: '1', params: [] };
  return { sql: fragments.map((f) => `(${f.sql})`).join(' AND '), params: fragments.flatMap((f) => f.params) };
}
