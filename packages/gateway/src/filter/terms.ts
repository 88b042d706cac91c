// What the filter bar's terms mean, for any kind of row: the API parameters a
// term narrows on, and a predicate that checks it exactly. The inspector checks
// its live rows with it; the gateway's MCP server checks the pages it reads.
import type { Direction, JsonRpcId, MessageKind, MessageOrigin } from '../types.js';
import { DIR_VALUES, KIND_VALUES, parseFilter, type CompareOp, type Term } from './grammar.js';

/** How to read what a term asks of a row. */
export interface FilterAccessors<R> {
  server(row: R): string;
  sessionId(row: R): string | null;
  method(row: R): string | null;
  /** The tool of a tools/call (its answer's too, when known). */
  target(row: R): string | null;
  kind(row: R): MessageKind;
  direction(row: R): Direction;
  isError(row: R): boolean;
  httpStatus(row: R): number | null;
  jsonrpcId(row: R): JsonRpcId | null;
  origin(row: R): MessageOrigin;
  size(row: R): number;
  /** Request-to-answer time; null while unanswered. */
  duration(row: R): number | null;
  /** A request still waiting for its answer. */
  pending(row: R): boolean;
}

export interface CompiledTerms<R> {
  /** Query parameters of GET /api/messages that the terms narrow on (never wider than the predicate). */
  apiParams: Record<string, string>;
  /** Every term, checked exactly. */
  predicate: (row: R) => boolean;
  /** The predicate narrows beyond apiParams. */
  clientOnly: boolean;
  /** Full-text words (only the API can match them: rows carry no body). */
  text: string | null;
  problems: string[];
  terms: Term[];
}

type FieldTerm = Extract<Term, { type: 'field' }>;

/** Same rule as the API: `1` is the number, `"1"` the string, other text a string id. */
export function jsonrpcIdText(value: string, quoted: boolean): string {
  if (quoted) return JSON.stringify(value);
  if (/^-?\d+(\.\d+)?$/.test(value)) return JSON.stringify(Number(value));
  return JSON.stringify(value);
}

export function matchesMethod(pattern: string, value: string | null): boolean {
  if (value === null) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function fieldCheck<R>(term: FieldTerm, get: FilterAccessors<R>): (row: R) => boolean {
  const value = term.value;
  const lower = value.toLowerCase();
  switch (term.key) {
    case 'server':
      return (row) => get.server(row) === value;
    case 'session':
      return (row) => get.sessionId(row)?.startsWith(value) ?? false;
    case 'method':
      return (row) => matchesMethod(value, get.method(row));
    case 'tool':
      return (row) => get.method(row) === 'tools/call' && matchesMethod(value, get.target(row));
    case 'kind': {
      const kind = KIND_VALUES[lower];
      return (row) => get.kind(row) === kind;
    }
    case 'dir': {
      const dir = DIR_VALUES[lower];
      return (row) => get.direction(row) === dir;
    }
    case 'status': {
      if (lower === 'error') return (row) => get.isError(row);
      if (lower === 'ok') return (row) => !get.isError(row);
      if (lower === 'pending') return (row) => get.pending(row);
      if (/^\dxx$/i.test(value)) {
        const hundred = Number(value.charAt(0)) * 100;
        return (row) => {
          const status = get.httpStatus(row);
          return status !== null && status >= hundred && status < hundred + 100;
        };
      }
      return (row) => get.httpStatus(row) === Number(value);
    }
    case 'id': {
      const wanted = jsonrpcIdText(value, term.quoted);
      return (row) => {
        const id = get.jsonrpcId(row);
        return id !== null && JSON.stringify(id) === wanted;
      };
    }
    case 'origin':
      return (row) => get.origin(row) === lower;
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

/**
 * Compiles the bar's text. `preset` holds API parameters already set (by the
 * inspector's controls, say): a term that would set one differently is left
 * to the predicate. Positive terms of one key are alternatives; everything
 * else must hold together.
 */
export function compileTerms<R>(text: string, get: FilterAccessors<R>, preset: Record<string, string> = {}): CompiledTerms<R> {
  const { terms, problems } = parseFilter(text);
  const checks: Array<(row: R) => boolean> = [];
  const apiParams: Record<string, string> = {};
  let clientOnly = false;
  const setParam = (name: string, value: string): boolean => {
    const current = apiParams[name] ?? preset[name];
    if (current !== undefined) return current === value;
    apiParams[name] = value;
    return true;
  };
  const positive = new Map<string, FieldTerm[]>();
  const words: string[] = [];
  for (const term of terms) {
    if (term.type === 'text') {
      words.push(term.value);
    } else if (term.type === 'field' && !term.negate) {
      positive.set(term.key, [...(positive.get(term.key) ?? []), term]);
    } else if (term.type === 'field') {
      const check = fieldCheck(term, get);
      checks.push((row) => !check(row));
      clientOnly = true;
    } else {
      const { op, value, negate } = term;
      const read = term.key === 'duration' ? get.duration : get.size;
      const test = (row: R): boolean => {
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
    const alternatives = group.map((term) => fieldCheck(term, get));
    const only = alternatives[0] as (row: R) => boolean;
    checks.push(alternatives.length === 1 ? only : (row) => alternatives.some((check) => check(row)));
    const first = group[0] as FieldTerm;
    const mapped = group.length === 1 ? apiParamOf(first) : null;
    // tool:x narrows to tools/call on the API; the tool itself is checked by the predicate.
    if (mapped === null || !setParam(mapped[0], mapped[1]) || first.key === 'tool') clientOnly = true;
  }
  if (words.length) apiParams.q = words.join(' ');
  return {
    apiParams,
    predicate: checks.length === 0 ? () => true : (row) => checks.every((check) => check(row)),
    clientOnly,
    text: words.length ? words.join(' ') : null,
    problems,
    terms,
  };
}
