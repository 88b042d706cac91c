import type { IncomingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 hop-by-hop headers, plus the ones fetch/undici compute themselves.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const NOT_FORWARDED_UPSTREAM = new Set([...HOP_BY_HOP, 'host', 'content-length', 'accept-encoding']);

/**
 * Headers for the upstream request: the client's, minus hop-by-hop and the
 * ones that describe the client's connection to us, plus the server's
 * configured headers, which win (credentials come from the registry).
 */
export function upstreamRequestHeaders(
  incoming: Readonly<Record<string, string>>,
  configured: Readonly<Record<string, string>> | undefined,
  dropped: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in incoming) {
    if (!NOT_FORWARDED_UPSTREAM.has(name) && !dropped.has(name)) out[name] = incoming[name] as string;
  }
  // The recorder parses bodies; a compressed body would be opaque to it.
  out['accept-encoding'] = 'identity';
  for (const name in configured) out[name.toLowerCase()] = configured[name] as string;
  return out;
}

/**
 * Response headers for the client, as @hono/node-server writes them.
 *
 * A plain record is handed to `writeHead` as it is; a `Headers` object is
 * first copied into a record by the adapter (validating, lower-casing and
 * sorting on the way), which cost more per call than the rest of the relay.
 * So the record is the usual answer, and `Headers` only for a repeated
 * Set-Cookie, which needs one line per value. A header the upstream repeated
 * is joined with ", " either way (what `Headers` does); `withBody` adds the
 * adapter's default content type to a record, so both forms put the same
 * header values on the wire.
 */
export type ClientHeaders = Record<string, string> | Headers;

const ADAPTER_DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

export function clientResponseHeaders(upstream: IncomingHttpHeaders, streaming: boolean, rewriteChallenge?: (value: string) => string): ClientHeaders {
  // A single Set-Cookie may come as a string (undici), several as an array.
  const cookies: unknown = upstream['set-cookie'];
  const severalCookies = Array.isArray(cookies) && cookies.length > 1 ? (cookies as string[]) : null;
  const out: Record<string, string> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (severalCookies !== null && name === 'set-cookie') continue;
    if (streaming && name === 'content-length') continue;
    const values = typeof value === 'string' ? [value] : value;
    const kept = rewriteChallenge && name === 'www-authenticate' ? values.map(rewriteChallenge) : values;
    out[name] = kept.length === 1 ? normalizeValue(kept[0] as string) : kept.map(normalizeValue).join(', ');
  }
  if (streaming) {
    // Tell any proxy in front of us not to buffer the event stream either.
    out['x-accel-buffering'] ??= 'no';
    out['cache-control'] ??= 'no-cache';
  }
  if (severalCookies === null) return out;
  // The general form, for what a record cannot carry: one line per Set-Cookie value.
  const headers = new Headers(out);
  for (const cookie of severalCookies) headers.append('set-cookie', cookie);
  return headers;
}

/** Headers for a response that has a body: with a record, the content type the adapter gives a Headers object that has none. */
export function withBody(headers: ClientHeaders): ClientHeaders {
  if (!(headers instanceof Headers)) headers['content-type'] ??= ADAPTER_DEFAULT_CONTENT_TYPE;
  return headers;
}

/** What `Headers` does to a value: leading and trailing HTTP whitespace removed. */
function normalizeValue(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return isHttpWhitespace(first) || isHttpWhitespace(last) ? value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '') : value;
}

function isHttpWhitespace(c: number): boolean {
  return c === 9 || c === 10 || c === 13 || c === 32;
}

/**
 * The request headers as `flatHeaders(new Headers(...))` gives them, read from
 * Node's raw header list without building a `Headers` object (that object,
 * built and walked per request, cost more than the rest of the header work):
 * lower-case names in sorted order, a repeated header joined with ", " ("; "
 * for Cookie), the last Set-Cookie alone, values trimmed, HTTP/2 pseudo
 * headers left out.
 */
export function flatRawHeaders(raw: readonly string[]): Record<string, string> {
  const joined = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name.charCodeAt(0) === 58) continue; // ':'
    const value = normalizeValue(raw[i + 1] as string);
    const before = joined.get(name);
    if (before === undefined || name === 'set-cookie') joined.set(name, value);
    else joined.set(name, `${before}${name === 'cookie' ? '; ' : ', '}${value}`);
  }
  const out: Record<string, string> = {};
  // Assigning __proto__ would set the prototype, not a header: the Headers walk drops it the same way.
  for (const name of [...joined.keys()].sort()) if (name !== '__proto__') out[name] = joined.get(name) as string;
  return out;
}

/** One string per header for the recorder (multi-valued headers joined). */
export function flatHeaders(headers: IncomingHttpHeaders | Headers): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function isEventStream(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && value.toLowerCase().startsWith('text/event-stream');
}
