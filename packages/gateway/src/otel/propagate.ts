// "otel": {"propagate": true}: a W3C traceparent header on upstream HTTP
// requests, naming the span the gateway will export for the request, so the
// upstream's own server span becomes its child. The one piece of OpenTelemetry
// on the proxy path: off, it is a property read; on, it reads the body only if
// it mentions a trace context. A client's own traceparent header is forwarded
// unchanged, and bodies are never touched.
import { metaContext } from './remote-context.js';
import { exchangeSpanId, formatTraceparent, traceIdFor, type RequestScope } from './trace-context.js';

export interface UpstreamRequest {
  /** The recorder's exchange id for this HTTP request. */
  exchangeId: number;
  server: string;
  method: string;
  /** The client's request headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  body: Buffer | null;
}

/** Headers to add to one upstream request, or null for none. */
export type TraceHeaders = (request: UpstreamRequest) => Record<string, string> | null;

/** The first JSON-RPC request in a POST body (the one whose span a header can name), or undefined when it carries none. */
function firstRequest(body: Buffer): unknown {
  // Cheap tests first: no "method", no request.
  if (!body.includes('"method"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const isRequest = (m: unknown): boolean =>
    typeof m === 'object' && m !== null && typeof (m as { method?: unknown }).method === 'string' && (m as { id?: unknown }).id != null;
  return Array.isArray(parsed) ? parsed.find(isRequest) : isRequest(parsed) ? parsed : undefined;
}

export function traceHeaders(propagating: () => boolean): TraceHeaders {
  return (request) => {
    if (!propagating()) return null;
    if (request.method !== 'POST' || request.body === null || request.headers.traceparent !== undefined) return null;
    const message = firstRequest(request.body);
    if (message === undefined) return null;
    const scope: RequestScope = { server: request.server, sessionId: request.headers['mcp-session-id'] ?? null };
    // The span's parent is the client's context from _meta when it sent one: the header then carries the same trace.
    const parent = request.body.includes('"traceparent"') ? metaContext(message) : null;
    const traceId = parent?.traceId ?? traceIdFor(scope, request.exchangeId);
    const sampled = parent ? (parent.traceFlags & 1) === 1 : true;
    const out: Record<string, string> = { traceparent: formatTraceparent(traceId, exchangeSpanId(scope, request.exchangeId), sampled) };
    const state = parent?.traceState?.serialize();
    if (state) out.tracestate = state;
    return out;
  };
}
