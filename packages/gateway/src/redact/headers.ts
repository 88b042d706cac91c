// Header denylist (redaction.md §2.1). Names are compared lower-case.
import { marker } from './ranges.js';

const DENY_EXACT = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key',
  'x-auth-token', 'x-session-api-key',
]);

// Catches the gateway's own token header and custom ones (`x-my-token`).
const DENY_SUBSTRINGS = ['token', 'secret', 'key', 'auth', 'session', 'password', 'credential'];

/**
 * Left readable and unscanned: challenges carry no secret and explain 401s;
 * Mcp-Session-Id is needed for debugging in the live UI (exports hash it
 * elsewhere), and some servers issue JWT-shaped ids the JWT pattern would hide.
 */
const KEEP = new Set(['www-authenticate', 'proxy-authenticate', 'mcp-session-id']);

/**
 * Protocol metadata, not payload: their values are content types, lengths,
 * dates, versions and trace ids. Running every token rule over them on every
 * request cost more than the rest of header redaction together.
 */
const STRUCTURAL = new Set([
  'accept', 'accept-encoding', 'accept-language', 'cache-control', 'connection', 'content-encoding', 'content-length',
  'content-type', 'date', 'etag', 'host', 'keep-alive', 'last-event-id', 'mcp-method', 'mcp-protocol-version', 'pragma',
  'retry-after', 'traceparent', 'tracestate', 'transfer-encoding', 'vary', 'x-accel-buffering',
]);

export type HeaderClass = 'keep' | 'deny' | 'scan';

export function classifyHeader(name: string): HeaderClass {
  const n = name.toLowerCase();
  if (KEEP.has(n) || STRUCTURAL.has(n)) return 'keep';
  if (DENY_EXACT.has(n)) return 'deny';
  for (const s of DENY_SUBSTRINGS) if (n.includes(s)) return 'deny';
  return 'scan';
}

const HEADER_MARK = marker('header');

// An auth-scheme token (RFC 9110 §11.1) followed by credentials: keep the scheme.
const SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,30})[ \t]+\S/;

/** Set-Cookie attributes that are safe to keep; anything else is masked whole. */
const COOKIE_ATTRIBUTE =
  /^(?:path=[^,;]*|domain=[^,;]*|max-age=-?\d+|secure|httponly|partitioned|samesite=\w+|priority=\w+|expires=[A-Za-z]{3}, \d{2}[ -][A-Za-z]{3}[ -]\d{4} \d{2}:\d{2}:\d{2} GMT)$/i;

function maskCookiePair(pair: string): string {
  const eq = pair.indexOf('=');
  if (eq <= 0) return HEADER_MARK;
  return `${pair.slice(0, eq).trim()}=${HEADER_MARK}`;
}

/** `a=1; b=2` → `a=[REDACTED:header]; b=[REDACTED:header]`: names help debugging, values do not. */
function maskCookie(value: string): string {
  return value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(maskCookiePair)
    .join('; ');
}

function maskSetCookie(value: string): string {
  const parts = value.split(';').map((part) => part.trim());
  const [first = '', ...attributes] = parts;
  const kept = attributes.map((a) => (a === '' || COOKIE_ATTRIBUTE.test(a) ? a : HEADER_MARK));
  return [maskCookiePair(first), ...kept].filter((p) => p.length > 0).join('; ');
}

/** Masked value of a denied header; empty values stay empty. */
export function maskDeniedHeader(name: string, value: string): string {
  if (value.trim() === '') return value;
  const n = name.toLowerCase();
  if (n === 'cookie') return maskCookie(value);
  if (n === 'set-cookie') return maskSetCookie(value);
  const scheme = SCHEME.exec(value);
  if (scheme?.[1] !== undefined) return `${scheme[1]} ${HEADER_MARK}`;
  return HEADER_MARK;
}
