// Reads the top-level members at either end of a JSON object text that is too
// large to parse whole: we only hold its head and its tail. Scanning structure
// (rather than regex-searching for "id") keeps a nested `"id": 5` deep inside a
// result from being mistaken for the message's own id.

export type JsonPrimitive = string | number | boolean | null;

export interface TopMember {
  key: string;
  /** The value when it is a primitive; undefined for an object or array. */
  value: JsonPrimitive | undefined;
  container: 'object' | 'array' | null;
}

const QUOTE = 34;
const BACKSLASH = 92;
const WS_FWD = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;
const PRIMITIVE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;
const BARE_CHAR = /[0-9A-Za-z.+-]/;

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function skipWs(s: string, i: number): number {
  WS_FWD.lastIndex = i;
  WS_FWD.test(s);
  return WS_FWD.lastIndex;
}

function parseToken(token: string): JsonPrimitive | undefined {
  try {
    const v: unknown = JSON.parse(token);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : undefined;
  } catch {
    return undefined;
  }
}

function matchAt(re: RegExp, s: string, i: number): string | null {
  re.lastIndex = i;
  const m = re.exec(s);
  return m ? m[0] : null;
}

/** Index just past the string opening at s[i], or -1 if it is not closed in s. */
function stringEnd(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q === -1) return -1;
    let b = q - 1;
    while (b > i && s.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the object or array opening at s[i], or -1 if it is cut off. */
function containerEnd(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '"') {
      const e = stringEnd(s, j);
      if (e === -1) return -1;
      j = e - 1;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Top-level members readable from the start of an object text that may be cut anywhere. */
export function leadingMembers(head: string): TopMember[] {
  const out: TopMember[] = [];
  let i = skipWs(head, head.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (head[i] !== '{') return out;
  i++;
  for (;;) {
    i = skipWs(head, i);
    const keyTok = matchAt(STRING, head, i);
    if (keyTok === null) break;
    const key = parseToken(keyTok);
    if (typeof key !== 'string') break;
    i = skipWs(head, i + keyTok.length);
    if (head[i] !== ':') break;
    i = skipWs(head, i + 1);
    const c = head[i];
    if (c === '{' || c === '[') {
      // Record the member even if it is cut: seeing "result": { is what matters.
      out.push({ key, value: undefined, container: c === '{' ? 'object' : 'array' });
      const end = containerEnd(head, i);
      if (end === -1) break;
      i = end;
    } else {
      const tok = c === '"' ? matchAt(STRING, head, i) : matchAt(PRIMITIVE, head, i);
      if (tok === null) break;
      i += tok.length;
      // A number touching the cut may be missing digits ("id": 12|34).
      if (i >= head.length) break;
      const value = parseToken(tok);
      if (value === undefined) break;
      out.push({ key, value, container: null });
    }
    i = skipWs(head, i);
    if (head[i] !== ',') break;
    i++;
  }
  return out;
}

/** Index of the quote opening the string that closes at s[end], or -1. */
function stringStart(s: string, end: number): number {
  let q = end;
  for (;;) {
    q = s.lastIndexOf('"', q - 1);
    if (q === -1) return -1;
    let b = q - 1;
    while (b >= 0 && s.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    if (q === 0) return -1;
  }
}

function skipWsBack(s: string, i: number): number {
  let j = i;
  while (j >= 0 && isWs(s[j])) j--;
  return j;
}

/**
 * Top-level primitive members at the end of a complete object text (the tail
 * of a body), read backwards until a nested value or the cut stops us.
 */
export function trailingMembers(tail: string): TopMember[] {
  const out: TopMember[] = [];
  let i = skipWsBack(tail, tail.length - 1);
  if (tail[i] !== '}') return out;
  i = skipWsBack(tail, i - 1);
  while (i >= 0) {
    let start: number;
    if (tail.charCodeAt(i) === QUOTE) {
      start = stringStart(tail, i);
      if (start === -1) break;
    } else {
      start = i;
      while (start > 0 && BARE_CHAR.test(tail[start - 1] ?? '')) start--;
      if (!BARE_CHAR.test(tail[start] ?? '')) break;
    }
    const value = parseToken(tail.slice(start, i + 1));
    if (value === undefined) break;
    i = skipWsBack(tail, start - 1);
    if (tail[i] !== ':') break;
    i = skipWsBack(tail, i - 1);
    if (tail.charCodeAt(i) !== QUOTE) break;
    const keyStart = stringStart(tail, i);
    if (keyStart === -1) break;
    const key = parseToken(tail.slice(keyStart, i + 1));
    if (typeof key !== 'string') break;
    out.push({ key, value, container: null });
    i = skipWsBack(tail, keyStart - 1);
    if (tail[i] !== ',') break;
    i = skipWsBack(tail, i - 1);
  }
  return out;
}
