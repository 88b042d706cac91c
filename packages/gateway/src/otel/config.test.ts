import { describe, expect, it } from 'vitest';
import { resolveOtel } from './config.js';

describe('resolveOtel: mcp.json\'s "otel" and the OTEL_* variables', () => {
  it('is off unless an endpoint (or "enabled": true) asks for it', () => {
    expect(resolveOtel(undefined, {})).toEqual({ enabled: false, reason: null });
    expect(resolveOtel({ captureContent: true }, {})).toEqual({ enabled: false, reason: null });
    expect(resolveOtel({ enabled: true }, {})).toMatchObject({ enabled: true, export: { tracesUrl: null, protocol: 'http/protobuf' } });
    expect(resolveOtel(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({ enabled: true, export: { tracesUrl: null } });
  });

  it('appends the signal paths to mcp.json\'s base endpoint, as the exporters do for OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(resolveOtel({ endpoint: 'http://c:4318' }, {})).toMatchObject({ export: { tracesUrl: 'http://c:4318/v1/traces', metricsUrl: 'http://c:4318/v1/metrics' } });
    expect(resolveOtel({ endpoint: 'http://c:4318/otlp/' }, {})).toMatchObject({ export: { tracesUrl: 'http://c:4318/otlp/v1/traces' } });
  });

  it('honours OTEL_SDK_DISABLED and "enabled": false over everything', () => {
    expect(resolveOtel({ endpoint: 'http://c:4318' }, { OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(resolveOtel({ enabled: false }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled).toBe(false);
  });

  it('reads the protocol, metric interval and queue size from the environment, mcp.json winning', () => {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRIC_EXPORT_INTERVAL: '1500', OTEL_BSP_MAX_QUEUE_SIZE: '64' };
    expect(resolveOtel({ enabled: true }, env)).toMatchObject({ export: { protocol: 'http/json', metricExportIntervalMs: 1500, maxQueueSize: 64 } });
    expect(resolveOtel({ enabled: true, protocol: 'http/protobuf', metricExportIntervalMs: 10 }, env)).toMatchObject({ export: { protocol: 'http/protobuf', metricExportIntervalMs: 10 } });
  });

  it('stays off with a reason that names the fix for gRPC and for a missing ${env:NAME}', () => {
    const grpc = resolveOtel({ enabled: true }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc).toMatchObject({ enabled: false, reason: expect.stringContaining('use http/protobuf or http/json') });
    const missing = resolveOtel({ endpoint: 'http://c:4318', headers: { 'x-honeycomb-team': '${env:HONEYCOMB_KEY}' } }, {});
    expect(missing).toMatchObject({ enabled: false, reason: expect.stringContaining('HONEYCOMB_KEY') });
    expect(resolveOtel({ endpoint: 'http://c:4318', headers: { 'x-honeycomb-team': '${env:HONEYCOMB_KEY}' } }, { HONEYCOMB_KEY: 'k' })).toMatchObject({ export: { headers: { 'x-honeycomb-team': 'k' } } });
  });
});
