// A real OTLP/HTTP receiver for tests: node:http on a port of its own,
// accepting POST /v1/traces and /v1/metrics as protobuf (decoded with the
// OpenTelemetry protos as protobufjs code, from @opentelemetry/otlp-transformer
// 0.216.0, the last line that generated them) or JSON, and keeping what it got
// in one normalized shape. It can also refuse (500) or hang, like a collector
// having a bad day.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';

interface ProtoType {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
const proto = createRequire(import.meta.url)('otlp-transformer-protobufjs/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } }; metrics: { v1: { ExportMetricsServiceRequest: ProtoType } } } } };
};
const { collector } = proto.opentelemetry.proto;

export type AttributeValue = string | number | boolean | null | AttributeValue[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  events: Array<{ name: string; timeNs: bigint; attributes: Record<string, AttributeValue> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, AttributeValue> }>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, AttributeValue>;
  scope: { name: string; version: string; schemaUrl: string };
}

export interface ReceivedPoint {
  attributes: Record<string, AttributeValue>;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  value?: number;
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  kind: 'histogram' | 'sum' | 'gauge' | 'other';
  points: ReceivedPoint[];
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: IncomingMessage['headers'];
}

export type ReceiverMode = 'ok' | 'refuse' | 'hang';

export interface OtlpReceiver {
  /** Base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  port: number;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  requests: ReceivedRequest[];
  mode: ReceiverMode;
  /** Spans accepted so far with this name. */
  named(name: string): ReceivedSpan[];
  close(): Promise<void>;
}

const hex = (value: unknown): string => {
  if (typeof value === 'string') return /^[0-9a-f]*$/i.test(value) ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return '';
};

const nanos = (value: unknown): bigint => {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
  if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
    const long = value as { low: number; high: number };
    return (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  }
  return 0n;
};

function anyValue(value: Record<string, unknown> | undefined): AttributeValue {
  if (!value) return null;
  if ('stringValue' in value) return String(value.stringValue);
  if ('boolValue' in value) return Boolean(value.boolValue);
  if ('intValue' in value) return Number(nanos(value.intValue));
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map(anyValue);
  return null;
}

function attributes(list: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of (list as Array<{ key: string; value?: Record<string, unknown> }> | undefined) ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

type Obj = Record<string, unknown>;
const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

function spansOf(request: Obj): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of list(request.resourceSpans)) {
    const resource = attributes((rs.resource as Obj | undefined)?.attributes);
    for (const ss of list(rs.scopeSpans)) {
      const scope = (ss.scope as Obj | undefined) ?? {};
      for (const span of list(ss.spans)) {
        const status = (span.status as Obj | undefined) ?? {};
        out.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: String(span.name ?? ''),
          kind: Number(span.kind ?? 0),
          startNs: nanos(span.startTimeUnixNano),
          endNs: nanos(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          events: list(span.events).map((e) => ({ name: String(e.name ?? ''), timeNs: nanos(e.timeUnixNano), attributes: attributes(e.attributes) })),
          links: list(span.links).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: attributes(l.attributes) })),
          status: { code: Number(status.code ?? 0), message: String(status.message ?? '') },
          resource,
          scope: { name: String(scope.name ?? ''), version: String(scope.version ?? ''), schemaUrl: String(ss.schemaUrl ?? '') },
        });
      }
    }
  }
  return out;
}

function metricsOf(request: Obj): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of list(request.resourceMetrics)) {
    for (const sm of list(rm.scopeMetrics)) {
      for (const metric of list(sm.metrics)) {
        const histogram = metric.histogram as Obj | undefined;
        const sum = metric.sum as Obj | undefined;
        const gauge = metric.gauge as Obj | undefined;
        const data = histogram ?? sum ?? gauge;
        const points = list(data?.dataPoints).map((p) => ({
          attributes: attributes(p.attributes),
          ...(histogram
            ? {
                count: Number(nanos(p.count)),
                sum: Number(p.sum ?? 0),
                bucketCounts: list(p.bucketCounts).map((c) => Number(nanos(c))),
                explicitBounds: list(p.explicitBounds).map(Number),
              }
            : { value: Number(p.asDouble ?? nanos(p.asInt)) }),
        }));
        out.push({ name: String(metric.name), unit: String(metric.unit ?? ''), kind: histogram ? 'histogram' : sum ? 'sum' : gauge ? 'gauge' : 'other', points });
      }
    }
  }
  return out;
}

function decode(path: string, contentType: string, body: Buffer): Obj {
  if (contentType.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Obj;
  const type = path === '/v1/traces' ? collector.trace.v1.ExportTraceServiceRequest : collector.metrics.v1.ExportMetricsServiceRequest;
  return type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String, arrays: true }) as Obj;
}

export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const sockets = new Set<Socket>();
  const receiver: OtlpReceiver = {
    url: '',
    port: 0,
    spans: [],
    metrics: [],
    requests: [],
    mode: 'ok',
    named: (name) => receiver.spans.filter((s) => s.name === name),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    const contentType = String(req.headers['content-type'] ?? '');
    receiver.requests.push({ path, contentType, headers: req.headers });
    if (receiver.mode === 'hang') return; // never answers; the exporter's timeout has to give up
    if (receiver.mode === 'refuse') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('collector refuses');
      return;
    }
    if (req.method !== 'POST' || (path !== '/v1/traces' && path !== '/v1/metrics')) {
      res.writeHead(404).end();
      return;
    }
    let decoded: Obj;
    try {
      decoded = decode(path, contentType, Buffer.concat(chunks));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot decode: ${(error as Error).message}`);
      return;
    }
    if (path === '/v1/traces') receiver.spans.push(...spansOf(decoded));
    else receiver.metrics.push(...metricsOf(decoded));
    const json = contentType.startsWith('application/json');
    // An empty ExportServiceResponse: {} in JSON, no bytes in protobuf.
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : undefined);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}
