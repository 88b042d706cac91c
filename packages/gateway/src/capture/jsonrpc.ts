// Classifies JSON-RPC traffic for recording. A debugger must show whatever
// crossed the wire, so nothing here throws: what is not a JSON-RPC shape is
// recorded as `invalid` with its text intact.

import type { JsonRpcId, MessageKind } from '../types.js';
import { leadingMembers, trailingMembers } from './json-scan.js';
import type { JsonPrimitive, TopMember } from './json-scan.js';

export interface ClassifiedMessage {
  /** request (method+id), notification (method, no id), response (id + result), error (error object, id may be null/absent), invalid (anything else). */
  kind: MessageKind;
  /** For request/notification; null otherwise, including for invalid messages. */
  method: string | null;
  /** Keeps the JSON type: 1 and "1" differ. Null for notifications, errors with id null/absent, and invalid messages. */
  id: JsonRpcId | null;
  /** kind 'error', or a result with `isError: true` (tool failure). */
  isError: boolean;
  /** params._meta.progressToken on requests; params.progressToken on notifications/progress. */
  progressToken: string | number | null;
  /** params.requestId on notifications/cancelled. */
  cancelledRequestId: JsonRpcId | null;
  /** The original text for a single message, JSON.stringify(element) for a batch element, the raw text for invalid. */
  text: string;
  /** The parsed element (undefined for unparseable text). */
  value: unknown;
}

export interface ParsedBody {
  batch: boolean;
  messages: ClassifiedMessage[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Obj, key: string): boolean {
  // Own properties only: a JSON key "__proto__" or an inherited name must not count.
  return Object.hasOwn(o, key);
}

function isId(v: unknown): v is JsonRpcId {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

const INVALID_ENVELOPE: Omit<ClassifiedMessage, 'text' | 'value'> = {
  kind: 'invalid',
  method: null,
  id: null,
  isError: false,
  progressToken: null,
  cancelledRequestId: null,
};

/**
 * Every classified message is built by this one literal, so they all share
 * one object shape: spreading a template per message cost more than parsing
 * the JSON it describes.
 */
function message(kind: MessageKind, text: string, value: unknown, method: string | null = null, id: JsonRpcId | null = null): ClassifiedMessage {
  return { kind, method, id, isError: false, progressToken: null, cancelledRequestId: null, text, value };
}

function invalid(text: string, value: unknown): ClassifiedMessage {
  return message('invalid', text, value);
}

function requestProgressToken(params: unknown): string | number | null {
  if (!isObj(params)) return null;
  const meta = params['_meta'];
  if (!isObj(meta)) return null;
  const t = meta['progressToken'];
  return isId(t) ? t : null;
}

export function classify(value: unknown, text: string): ClassifiedMessage {
  if (!isObj(value)) return invalid(text, value);
  const hasId = has(value, 'id');
  const id = value['id'];
  const hasResult = has(value, 'result');
  const hasError = has(value, 'error');

  if (has(value, 'method')) {
    const method = value['method'];
    if (typeof method !== 'string' || hasResult || hasError) return invalid(text, value);
    const params = value['params'];
    if (hasId) {
      // A request id is never null (MCP schema); anything else is not an id.
      if (!isId(id)) return invalid(text, value);
      const m = message('request', text, value, method, id);
      m.progressToken = requestProgressToken(params);
      return m;
    }
    const m = message('notification', text, value, method);
    if (isObj(params)) {
      if (method === 'notifications/progress') {
        const t = params['progressToken'];
        if (isId(t)) m.progressToken = t;
      } else if (method === 'notifications/cancelled') {
        const r = params['requestId'];
        if (isId(r)) m.cancelledRequestId = r;
      }
    }
    return m;
  }

  if (hasError) {
    // Parse errors and HTTP-level rejections carry id null or none at all.
    if (hasResult || !isObj(value['error'])) return invalid(text, value);
    if (hasId && id !== null && !isId(id)) return invalid(text, value);
    const m = message('error', text, value, null, isId(id) ? id : null);
    m.isError = true;
    return m;
  }

  if (hasResult) {
    if (!isId(id)) return invalid(text, value);
    const m = message('response', text, value, null, id);
    const result = value['result'];
    m.isError = isObj(result) && result['isError'] === true;
    return m;
  }

  return invalid(text, value);
}

export function parseBody(text: string): ParsedBody {
  let value: unknown;
  try {
    // A leading BOM is not JSON whitespace but some clients send one anyway.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return { batch: false, messages: [invalid(text, undefined)] };
  }
  if (!Array.isArray(value)) return { batch: false, messages: [classify(value, text)] };
  if (value.length === 0) return { batch: false, messages: [invalid(text, value)] };
  const elements: unknown[] = value;
  return { batch: true, messages: elements.map((el) => classify(el, JSON.stringify(el))) };
}

// --- Bodies too large to parse -------------------------------------------

const PROGRESS_IN_META = /"_meta"\s*:\s*\{\s*"progressToken"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)/;
const PROGRESS_TOKEN = /"progressToken"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)/;
const REQUEST_ID = /"requestId"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)/;
const IS_ERROR_TRUE = /"isError"\s*:\s*true\b/;

function idFromMatch(m: RegExpExecArray | null): JsonRpcId | null {
  const tok = m?.[1];
  if (tok === undefined) return null;
  try {
    const v: unknown = JSON.parse(tok);
    return isId(v) ? v : null;
  } catch {
    return null;
  }
}

function firstMatch(re: RegExp, head: string, tail: string): JsonRpcId | null {
  return idFromMatch(re.exec(head)) ?? idFromMatch(re.exec(tail));
}

/**
 * For a body too large to parse (the caller kept only a head and a tail of the
 * text): best-effort method/id/kind from the head and tail, kind 'invalid' if
 * nothing fits. Only top-level members count, so the head is scanned
 * structurally from the start and the tail backwards from the closing brace.
 */
export function classifyTruncated(head: string, tail: string): Omit<ClassifiedMessage, 'text' | 'value'> {
  const members: TopMember[] = [...leadingMembers(head), ...trailingMembers(tail)];
  const find = (key: string): TopMember | undefined => members.find((m) => m.key === key);
  const prim = (key: string): JsonPrimitive | undefined => find(key)?.value;

  const out: Omit<ClassifiedMessage, 'text' | 'value'> = { ...INVALID_ENVELOPE };
  const method = prim('method');
  const rawId = prim('id');
  const id = isId(rawId) ? rawId : null;

  if (typeof method === 'string') {
    out.method = method;
    if (id !== null) {
      out.kind = 'request';
      out.id = id;
      out.progressToken = firstMatch(PROGRESS_IN_META, head, tail);
    } else {
      out.kind = 'notification';
      if (method === 'notifications/progress') out.progressToken = firstMatch(PROGRESS_TOKEN, head, tail);
      if (method === 'notifications/cancelled') out.cancelledRequestId = firstMatch(REQUEST_ID, head, tail);
    }
  } else if (find('error') !== undefined) {
    out.kind = 'error';
    out.id = id;
    out.isError = true;
  } else if (find('result') !== undefined) {
    // The id may sit in the unseen middle; a response without a known id still beats 'invalid'.
    out.kind = 'response';
    out.id = id;
    out.isError = IS_ERROR_TRUE.test(head) || IS_ERROR_TRUE.test(tail);
  }
  return out;
}
