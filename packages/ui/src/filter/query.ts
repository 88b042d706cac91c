// Turns the traffic view's filters (the controls and the filter bar) into
// what the API can narrow on (query parameters) and a predicate that is
// checked on every row, live ones included. Terms the API cannot express
// (exclusions, alternatives, size, duration<) run in the browser only.
import type { Direction, MessageKind } from '@mcp-gateway/gateway/types';
import type { ApiParams } from '../api/endpoints.js';
import { rowDuration, rowPending, type Row } from '../traffic/row.js';
import { compileTerms, matchesMethod, type FilterAccessors } from '@mcp-gateway/gateway/filter';

/** The filter controls beside the bar; each is kept in the URL. */
export interface StructuredFilter {
  server?: string;
  session?: string;
  method?: string;
  kind?: MessageKind;
  direction?: Direction;
  errors?: boolean;
  since?: number;
  until?: number;
}

export interface CompiledQuery {
  /** Parameters for GET /api/messages and /api/export. */
  apiParams: ApiParams;
  /** Checked on every row; true for everything when nothing narrows. */
  predicate: (row: Row) => boolean;
  /** Whether the predicate narrows beyond apiParams (so an export holds more than the table). */
  clientOnly: boolean;
  /** Whether the predicate reads `target` (a tool: term), which answers only have once their request is known. */
  usesTarget: boolean;
  /** Full-text words (the API matches them; the browser cannot, as rows keep no body). */
  text: string | null;
  problems: string[];
  /** Equal for equal queries. */
  key: string;
}

type Check = (row: Row) => boolean;

/** How the shared filter terms read a table row. */
const ROW: FilterAccessors<Row> = {
  server: (row) => row.server,
  sessionId: (row) => row.sessionId,
  method: (row) => row.method,
  target: (row) => row.target,
  kind: (row) => row.kind,
  direction: (row) => row.direction,
  isError: (row) => row.isError,
  httpStatus: (row) => row.httpStatus,
  jsonrpcId: (row) => row.jsonrpcId,
  origin: (row) => row.origin,
  size: (row) => row.size,
  duration: rowDuration,
  pending: rowPending,
};

export function compileQuery(structured: StructuredFilter, text: string): CompiledQuery {
  const checks: Check[] = [];
  const apiParams: ApiParams = {};
  let clientOnly = false;

  // The controls: each is exact and maps to the API parameter of the same name.
  const controls: { [K in keyof StructuredFilter]-?: (value: NonNullable<StructuredFilter[K]>) => Check } = {
    server: (v) => (row) => row.server === v,
    session: (v) => (row) => row.sessionId === v,
    method: (v) => (row) => matchesMethod(v, row.method),
    kind: (v) => (row) => row.kind === v,
    direction: (v) => (row) => row.direction === v,
    errors: (v) => (row) => row.isError === v,
    since: (v) => (row) => row.timestamp >= v,
    until: (v) => (row) => row.timestamp <= v,
  };
  for (const key of Object.keys(controls) as Array<keyof StructuredFilter>) {
    const value = structured[key];
    if (value === undefined) continue;
    apiParams[key] = String(value);
    checks.push((controls[key] as (v: typeof value) => Check)(value));
  }

  // The bar: its terms narrow the API where they can and are checked exactly on every row.
  const bar = compileTerms(text, ROW, apiParams);
  Object.assign(apiParams, bar.apiParams);
  if (bar.terms.length > 0) checks.push(bar.predicate);
  if (bar.clientOnly) clientOnly = true;
  const { terms, problems } = bar;
  const textValue = bar.text;

  const predicate: (row: Row) => boolean = checks.length === 0 ? () => true : (row) => checks.every((check) => check(row));
  return {
    apiParams,
    predicate,
    clientOnly,
    usesTarget: terms.some((term) => term.type === 'field' && term.key === 'tool'),
    text: textValue,
    problems,
    key: JSON.stringify([structured, terms]),
  };
}
