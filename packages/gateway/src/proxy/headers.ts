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
  incoming: Headers,
  configured: Record<string, string> | undefined,
  dropped: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (!NOT_FORWARDED_UPSTREAM.has(name) && !dropped.has(name)) out[name] = value;
  });
  // The recorder parses bodies; a compressed body would be opaque to it.
  out['accept-encoding'] = 'identity';
  for (const [name, value] of Object.entries(configured ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** Response headers for the client: everything the upstream sent except hop-by-hop. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, streaming: boolean): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (streaming && name === 'content-length') continue;
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else out.set(name, value);
  }
  if (streaming) {
    // Tell any proxy in front of us not to buffer the event stream either.
    if (!out.has('x-accel-buffering')) out.set('x-accel-buffering', 'no');
    if (!out.has('cache-control')) out.set('cache-control', 'no-cache');
  }
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
