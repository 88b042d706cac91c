// The SDK's view of a finished span. The spans describe calls that already
// happened, with the times the recorder took, so they are handed to the batch
// span processor (and the OTLP serializers) as finished ReadableSpans rather
// than started and ended through a Tracer, which would stamp them with now.
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { HrTime } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { SCHEMA_URL, type McpSpan } from './spans.js';

/** Epoch milliseconds (with a fraction) as [seconds, nanoseconds]. */
function hrTime(ms: number): HrTime {
  return millisToHrTime(ms);
}

export function instrumentationScope(version: string): InstrumentationScope {
  return { name: 'mcp-gateway', version, schemaUrl: SCHEMA_URL };
}

/**
 * service.name "mcp-gateway" and the gateway's version, then what the
 * environment says (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), then mcp.json's
 * settings: each later one wins.
 */
export function gatewayResource(options: { version: string; serviceName: string | null; attributes: Record<string, string>; env: boolean }): Resource {
  let resource = defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'mcp-gateway', [ATTR_SERVICE_VERSION]: options.version }));
  if (options.env) resource = resource.merge(detectResources({ detectors: [envDetector] }));
  const configured: Record<string, string> = { ...options.attributes, ...(options.serviceName ? { [ATTR_SERVICE_NAME]: options.serviceName } : {}) };
  return Object.keys(configured).length > 0 ? resource.merge(resourceFromAttributes(configured)) : resource;
}

export function toReadableSpan(span: McpSpan, resource: Resource, scope: InstrumentationScope): ReadableSpan {
  const startTime = hrTime(span.startMs);
  const endTime = hrTime(span.endMs);
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: span.traceFlags };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => context,
    ...(span.parent ? { parentSpanContext: span.parent } : {}),
    startTime,
    endTime,
    duration: hrTime(span.endMs - span.startMs),
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events.map((event) => ({ name: event.name, time: hrTime(event.timeMs), attributes: event.attributes })),
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: span.droppedEvents,
    droppedLinksCount: 0,
  };
}
