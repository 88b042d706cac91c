// The filter bar's grammar, borrowed from the browser's Network panel:
//
//   method:tools/call -kind:notification status:error duration>100 "some text"
//
// Terms are separated by spaces. `key:value` narrows on a field, a leading
// `-` excludes instead, `key>n` (also >=, <, <=, =) compares a number, and
// anything else (quoted or not) is full-text search in message bodies.
// Several terms of one key are alternatives (kind:request kind:error);
// everything else must hold together.

export type FieldKey = 'server' | 'session' | 'method' | 'tool' | 'kind' | 'dir' | 'status' | 'id' | 'origin';
export type CompareKey = 'duration' | 'size';
export type CompareOp = '>' | '>=' | '<' | '<=' | '=';

export type Term =
  | { type: 'text'; value: string }
  | { type: 'field'; key: FieldKey; value: string; quoted: boolean; negate: boolean }
  | { type: 'compare'; key: CompareKey; op: CompareOp; value: number; negate: boolean };

export interface ParsedFilter {
  terms: Term[];
  /** What could not be understood, in words for the user; those terms are left out. */
  problems: string[];
}

const FIELD_ALIASES: Record<string, FieldKey> = {
  server: 'server',
  session: 'session',
  method: 'method',
  tool: 'tool',
  kind: 'kind',
  type: 'kind',
  dir: 'dir',
  direction: 'dir',
  status: 'status',
  is: 'status',
  id: 'id',
  origin: 'origin',
};

const COMPARE_ALIASES: Record<string, CompareKey> = { duration: 'duration', time: 'duration', size: 'size' };

export const KIND_VALUES: Record<string, string> = {
  request: 'request',
  req: 'request',
  response: 'response',
  resp: 'response',
  res: 'response',
  notification: 'notification',
  notif: 'notification',
  notify: 'notification',
  error: 'error',
  err: 'error',
  invalid: 'invalid',
};

export const DIR_VALUES: Record<string, string> = {
  c2s: 'client_to_server',
  client_to_server: 'client_to_server',
  s2c: 'server_to_client',
  server_to_client: 'server_to_client',
};

const STATUS_WORDS = new Set(['error', 'ok', 'pending']);

/** `replay`: sent or received by the gateway replaying a recorded request; `client`: traffic that crossed the proxy. */
export const ORIGIN_VALUES = new Set(['replay', 'client']);

/** Splits on whitespace outside double quotes; `\"` inside quotes is a quote. */
export function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charAt(i);
    if (inQuotes) {
      if (ch === '\\' && i + 1 < input.length) {
        current += ch + input.charAt(i + 1);
        i++;
      } else {
        if (ch === '"') inQuotes = false;
        current += ch;
      }
    } else if (/\s/.test(ch)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
    } else {
      if (ch === '"') inQuotes = true;
      current += ch;
      started = true;
    }
  }
  if (started) tokens.push(current);
  return tokens;
}

/** `"a \"b\""` → `a "b"`; an unquoted value is returned as is. */
function unquote(value: string): { text: string; quoted: boolean } {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return { text: value.slice(1, -1).replace(/\\(.)/g, '$1'), quoted: true };
  }
  if (value.startsWith('"')) return { text: value.slice(1).replace(/\\(.)/g, '$1'), quoted: true };
  return { text: value, quoted: false };
}

const UNITS: Record<CompareKey, Record<string, number>> = {
  duration: { '': 1, ms: 1, s: 1000, m: 60_000 },
  size: { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024 },
};

function parseNumber(key: CompareKey, raw: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(raw.trim());
  if (!match?.[1]) return null;
  const unit = UNITS[key][(match[2] ?? '').toLowerCase()];
  return unit === undefined ? null : Number(match[1]) * unit;
}

function fieldProblem(key: FieldKey, value: string): string | null {
  if (value === '') return `${key}: needs a value`;
  const lower = value.toLowerCase();
  if (key === 'kind' && !(lower in KIND_VALUES)) return `kind:${value} is not a kind (request, response, notification, error, invalid)`;
  if (key === 'dir' && !(lower in DIR_VALUES)) return `dir:${value} is not a direction (c2s or s2c)`;
  if (key === 'origin' && !ORIGIN_VALUES.has(lower)) return `origin:${value} is not an origin (replay or client)`;
  if (key === 'status' && !STATUS_WORDS.has(lower) && !/^[1-5](\d\d|xx)$/i.test(value)) {
    return `status:${value} is not a status (error, ok, pending, an HTTP code like 200 or 4xx)`;
  }
  return null;
}

export function parseFilter(input: string): ParsedFilter {
  const terms: Term[] = [];
  const problems: string[] = [];
  for (const token of tokenize(input)) {
    const negate = token.length > 1 && token.startsWith('-');
    const body = negate ? token.slice(1) : token;
    const match = /^([a-zA-Z][\w-]*)(>=|<=|:|>|<|=)(.*)$/s.exec(body);
    const name = match?.[1]?.toLowerCase();
    const op = match?.[2];
    const rawValue = match?.[3] ?? '';
    if (name !== undefined && name === 'larger-than' && op === ':') {
      const value = parseNumber('size', rawValue);
      if (value === null) problems.push(`larger-than:${rawValue} needs a size like 10k`);
      else terms.push({ type: 'compare', key: 'size', op: '>', value, negate });
      continue;
    }
    if (name !== undefined && op !== undefined && name in COMPARE_ALIASES && op !== ':') {
      const key = COMPARE_ALIASES[name] as CompareKey;
      const value = parseNumber(key, rawValue);
      if (value === null) problems.push(`${name}${op}${rawValue} needs a number${key === 'duration' ? ' of ms (or 2s)' : ' of bytes (or 10k)'}`);
      else terms.push({ type: 'compare', key, op: op as CompareOp, value, negate });
      continue;
    }
    if (name !== undefined && op === ':' && name in FIELD_ALIASES) {
      const key = FIELD_ALIASES[name] as FieldKey;
      const { text, quoted } = unquote(rawValue);
      const problem = fieldProblem(key, text);
      if (problem) problems.push(problem);
      else terms.push({ type: 'field', key, value: text, quoted, negate });
      continue;
    }
    if (name !== undefined && op === ':' && /^[a-z-]+$/.test(name) && !rawValue.startsWith('/')) {
      problems.push(`${name}: is not a filter (try server, session, method, tool, kind, dir, status, id, origin); searching "${body}" as text`);
    }
    if (negate) {
      problems.push(`-${body}: only key:value terms can be excluded, not text`);
      continue;
    }
    const { text } = unquote(body);
    if (text.trim() !== '') terms.push({ type: 'text', value: text });
  }
  return { terms, problems };
}

/** Every key the bar understands, for the help text and suggestions. */
export const FILTER_HELP: Array<{ example: string; meaning: string }> = [
  { example: 'method:tools/call', meaning: 'JSON-RPC method; tools/* for a prefix' },
  { example: 'tool:get_weather', meaning: 'tool of a tools/call (its answer too)' },
  { example: 'kind:request', meaning: 'request, response, notification, error, invalid' },
  { example: 'dir:c2s', meaning: 'c2s (client to server) or s2c' },
  { example: 'status:error', meaning: 'error, ok, pending, or an HTTP code (200, 4xx)' },
  { example: 'server:github', meaning: 'server name' },
  { example: 'session:9f1c', meaning: 'session id, or its start' },
  { example: 'id:3', meaning: 'JSON-RPC id; id:"3" for the string' },
  { example: 'origin:replay', meaning: 'sent by a replay; origin:client for proxied traffic' },
  { example: 'duration>100', meaning: 'answer time in ms (also >=, <, <=; 2s)' },
  { example: 'size>10k', meaning: 'message size in bytes (k, m)' },
  { example: '-kind:notification', meaning: 'a leading - excludes' },
  { example: '"weather in Paris"', meaning: 'words in message bodies' },
];
