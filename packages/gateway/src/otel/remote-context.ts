// Trace context a client sent, parsed by the OpenTelemetry SDK's W3C
// propagator code: in params._meta (where the MCP conventions put it) or in
// the traceparent/tracestate headers.
import type { SpanContext } from '@opentelemetry/api';
import { parseTraceParent, TraceState } from '@opentelemetry/core';

/** A W3C trace context (traceparent, tracestate) as the OpenTelemetry API holds it, or null when the traceparent is not valid. */
export function remoteContext(traceparent: unknown, tracestate?: unknown): SpanContext | null {
  if (typeof traceparent !== 'string') return null;
  const parsed = parseTraceParent(traceparent.trim());
  if (!parsed) return null;
  const state = typeof tracestate === 'string' && tracestate.trim() !== '' ? new TraceState(tracestate) : undefined;
  return { ...parsed, isRemote: true, ...(state ? { traceState: state } : {}) };
}

/** The trace context a request carries in `params._meta`. */
export function metaContext(message: unknown): SpanContext | null {
  const meta = (message as { params?: { _meta?: { traceparent?: unknown; tracestate?: unknown } } } | null)?.params?._meta;
  return meta ? remoteContext(meta.traceparent, meta.tracestate) : null;
}
