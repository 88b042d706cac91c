// Trace ids for recorded traffic. Spans are built after the fact, from the
// store, yet the proxy may have to name a span in a traceparent header before
// it exists ("otel": {"propagate": true}); so ids are derived, not random: the
// same request always gets the same ids, live, from a later export, and in the
// header the upstream was sent.
// No OpenTelemetry import here: the proxy's thread loads this module at start,
// export on or off (remote-context.ts has the parsing, loaded only when needed).
import { createHash } from 'node:crypto';

function digest(parts: ReadonlyArray<string | number>, hexLength: 16 | 32): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, hexLength);
  // All zeros is an invalid id; one in 2^64 at worst, but cheap to rule out.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/** The session a request was sent in, as its HTTP request said (Mcp-Session-Id): null for initialize and for servers without sessions. */
export interface RequestScope {
  server: string;
  sessionId: string | null;
}

/** A trace per session; a request sent outside any session (initialize, a server without sessions) starts its own. */
export function traceIdFor(scope: RequestScope, exchangeId: number): string {
  return scope.sessionId === null ? digest(['trace', scope.server, 'exchange', exchangeId], 32) : digest(['trace', scope.server, scope.sessionId], 32);
}

/** The span of the first request a client's HTTP request carried: the one a propagated traceparent names. */
export function exchangeSpanId(scope: RequestScope, exchangeId: number): string {
  return digest(['span', scope.server, scope.sessionId ?? '', 'exchange', exchangeId], 16);
}

/** Any other request's span (server-to-client requests, later elements of a batch). */
export function messageSpanId(scope: RequestScope, messageId: number): string {
  return digest(['span', scope.server, scope.sessionId ?? '', 'message', messageId], 16);
}

export function formatTraceparent(traceId: string, spanId: string, sampled = true): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}
