// Turns the traffic view's filters (the controls and the filter bar) into
// what the API can narrow on (query parameters) and a predicate that is
// checked on every row, live ones included. Terms the API cannot express
// (exclusions, alternatives, size, duration<) run in the browser only.
import type { Direction, MessageKind } from '@mcp-gateway/gateway/types';
import type { ApiParams } from '../api/endpoints.js';
import { rowDuration, rowPending, type Row } from '../traffic/row.js';
import { DIR_VALUES, KIND_VALUES, parseFilter, type CompareOp, type Term } from './grammar.js';

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

type FieldTerm = Extract<Term, { type: 'field' }>;
type Check = (row: Row) => boolean;

/** Same rule as the API: `1` is the number, `"1"` the string, other text a string id. */
export function jsonrpcIdText(value: string, quoted: boolean): string {
  if (quoted) return JSON.stringify(value);
  if (/^-?\d+(\.\d+)?$/.test(value)) return JSON.stringify(Number(value));
  return JSON.stringify(value);
}

function matchesMethod(pattern: string, value: string | null): boolean {
  if (value === null) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function fieldCheck(term: FieldTerm): Check {
  const value = term.value;
  const lower = value.toLowerCase();
  switch (term.key) {
    case 'server':
      return (row) => row.server === value;
    case 'session':
      return (row) => row.sessionId !== null && row.sessionId.startsWith(value);
    case 'method':
      return (row) => matchesMethod(value, row.method);
    case 'tool':
      return (row) => row.method === 'tools/call' && matchesMethod(value, row.target);
    case 'kind': {
      const kind = KIND_VALUES[lower];
      return (row) => row.kind === kind;
    }
    case 'dir': {
      const dir = DIR_VALUES[lower];
      return (row) => row.direction === dir;
    }
    case 'status':
      if (lower === 'error') return (row) => row.isError;
      if (lower === 'ok') return (row) => !row.isError;
      if (lower === 'pending') return rowPending;
      if (/^\dxx$/i.test(value)) {
        const hundred = Number(value.charAt(0)) * 100;
        return (row) => row.httpStatus !== null && row.httpStatus >= hundred && row.httpStatus < hundred + 100;
      }
      return (row) => row.httpStatus === Number(value);
    case 'id': {
      const wanted = jsonrpcIdText(value, term.quoted);
      return (row) => row.jsonrpcId !== null && JSON.stringify(row.jsonrpcId) === wanted;
    }
    case 'origin':
      return (row) => row.origin === lower;
  }
}

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '=':
      return a === b;
  }
}

/** The API parameter a single positive term maps to, if any. */
function apiParamOf(term: FieldTerm): [string, string] | null {
  const lower = term.value.toLowerCase();
  switch (term.key) {
    case 'server':
      return ['server', term.value];
    case 'method':
      return /^[^*]*\*?$/.test(term.value) ? ['method', term.value] : null;
    case 'tool':
      return ['method', 'tools/call'];
    case 'kind':
      return ['kind', KIND_VALUES[lower] ?? lower];
    case 'dir':
      return ['direction', DIR_VALUES[lower] ?? lower];
    case 'status':
      if (lower === 'error') return ['errors', 'true'];
      if (lower === 'ok') return ['errors', 'false'];
      if (/^\d{3}$/.test(term.value)) return ['status', term.value];
      return null;
    case 'id':
      return ['jsonrpcId', term.quoted ? JSON.stringify(term.value) : term.value];
    case 'origin':
      return ['origin', lower];
    case 'session':
      return null;
  }
}

export function compileQuery(structured: StructuredFilter, text: string): CompiledQuery {
  const { terms, problems } = parseFilter(text);
  const checks: Check[] = [];
  const apiParams: ApiParams = {};
  let clientOnly = false;
  const setParam = (name: string, value: string): boolean => {
    if (name in apiParams) return apiParams[name] === value;
    apiParams[name] = value;
    return true;
  };

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
    setParam(key, String(value));
    checks.push((controls[key] as (v: typeof value) => Check)(value));
  }

  // The bar: positive terms of one key are alternatives.
  const positive = new Map<string, FieldTerm[]>();
  const words: string[] = [];
  for (const term of terms) {
    if (term.type === 'text') {
      words.push(term.value);
    } else if (term.type === 'field' && !term.negate) {
      positive.set(term.key, [...(positive.get(term.key) ?? []), term]);
    } else if (term.type === 'field') {
      const check = fieldCheck(term);
      checks.push((row) => !check(row));
      clientOnly = true;
    } else {
      const { op, value, negate } = term;
      const read = term.key === 'duration' ? rowDuration : (row: Row) => row.size;
      const test = (row: Row): boolean => {
        const actual = read(row);
        return actual !== null && compare(op, actual, value);
      };
      checks.push(negate ? (row) => !test(row) : test);
      // The API's minDurationMs is "at least", on answers: it narrows `duration>n` and `duration>=n`; the predicate keeps it exact.
      if (term.key === 'duration' && !negate && (op === '>' || op === '>=')) setParam('minDurationMs', String(value));
      if (!(term.key === 'duration' && !negate && op === '>=')) clientOnly = true;
    }
  }
  for (const group of positive.values()) {
    const alternatives = group.map(fieldCheck);
    checks.push(alternatives.length === 1 ? (alternatives[0] as Check) : (row) => alternatives.some((check) => check(row)));
    const first = group[0] as FieldTerm;
    const mapped = group.length === 1 ? apiParamOf(first) : null;
    // tool:x narrows to tools/call on the API; the tool itself is checked here.
    if (mapped === null || !setParam(mapped[0], mapped[1]) || first.key === 'tool') clientOnly = true;
  }
  if (words.length) apiParams.q = words.join(' ');

  const predicate: (row: Row) => boolean = checks.length === 0 ? () => true : (row) => checks.every((check) => check(row));
  const textValue = words.length ? words.join(' ') : null;
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
