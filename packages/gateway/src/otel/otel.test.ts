// A real gateway exporting to a real OTLP/HTTP receiver, for real SDK
// sessions with a real SDK upstream: what the spans and metrics say.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { connect, PARENT_ID, spanWhere, startOtelGateway, TRACE_ID, TRACEPARENT } from '../test-support/otel-gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../test-support/otlp-receiver.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { GatewayHealth } from '../types.js';
import { DURATION_BUCKETS } from './pipeline.js';

const META_TRACE = '0af7651916cd43dd8448eb211c80319c';
const META_PARENT = 'b7ad6b7169203331';

describe('OpenTelemetry export over OTLP/HTTP protobuf', () => {
  let receiver: OtlpReceiver;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let sessionId: string;
  let headerSession: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    upstream = await startUpstream();
    gateway = await startOtelGateway({ up: { url: upstream.url } }, { endpoint: receiver.url, scheduleDelayMs: 50, metricExportIntervalMs: 300 });

    const { client, transport } = await connect(`${gateway.url}/s/up/mcp`);
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { text: 'plain' } });
    await client.callTool({ name: 'echo', arguments: { text: 'traced' }, _meta: { traceparent: `00-${META_TRACE}-${META_PARENT}-01`, tracestate: 'vendor=abc' } });
    const progress: number[] = [];
    await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([1, 2, 3]);
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);
    await expect(client.listPrompts()).rejects.toThrow(/-32601|not found/i);
    sessionId = transport.sessionId ?? '';
    await transport.terminateSession();
    await client.close();

    // A client whose HTTP requests carry a traceparent header.
    const traced = await connect(`${gateway.url}/s/up/mcp`, { traceparent: TRACEPARENT });
    await traced.client.callTool({ name: 'echo', arguments: { text: 'header' } });
    headerSession = traced.transport.sessionId ?? '';
    await traced.client.close();
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await receiver.close();
  });

  const callSpan = (text: string): Promise<ReceivedSpan> =>
    spanWhere(receiver, (s) => s.name === 'tools/call echo' && spansText(s) === text);
  // The echo spans are told apart by the session and parent, not by content (content capture is off).
  const spansText = (s: ReceivedSpan): string =>
    s.parentSpanId === META_PARENT ? 'traced' : s.parentSpanId === PARENT_ID ? 'header' : s.attributes['mcp.session.id'] === sessionId ? 'plain' : '?';

  it('sends one CLIENT span per request and answer, named as the conventions say, with their attributes', async () => {
    const plain = await callSpan('plain');
    expect(plain.kind).toBe(3);
    expect(plain.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.session.id': sessionId,
      'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      'jsonrpc.request.id': expect.any(String),
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(upstream.url).port),
      'mcp_gateway.server.name': 'up',
    });
    expect(plain.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(plain.status.code).toBe(0);
    expect(plain.endNs).toBeGreaterThan(plain.startNs);
    expect(plain.resource['service.name']).toBe('mcp-gateway');
    expect(plain.scope).toMatchObject({ name: 'mcp-gateway', schemaUrl: 'https://opentelemetry.io/schemas/1.39.0' });
    for (const name of ['initialize', 'tools/list', 'tools/call progress', 'tools/call fail', 'prompts/list']) await spanWhere(receiver, (s) => s.name === name);
    const names = new Set(receiver.spans.map((s) => s.name));
    // Notifications are not spans.
    expect([...names].filter((n) => n.startsWith('notifications/'))).toEqual([]);
    expect(receiver.spans.every((s) => s.kind === 3)).toBe(true);
  });

  it('puts a session without trace context in one trace of its own, and an initialize (no session yet) in another', async () => {
    const plain = await callSpan('plain');
    const list = await spanWhere(receiver, (s) => s.name === 'tools/list' && s.attributes['mcp.session.id'] === sessionId);
    expect(list.traceId).toBe(plain.traceId);
    expect(list.parentSpanId).toBe('');
    const init = await spanWhere(receiver, (s) => s.name === 'initialize' && s.attributes['mcp.session.id'] === sessionId);
    expect(init.traceId).not.toBe(plain.traceId);
    expect(init.traceId).not.toBe(TRACE_ID);
  });

  it('takes the parent from params._meta.traceparent, and from the HTTP traceparent header', async () => {
    const traced = await callSpan('traced');
    expect(traced.traceId).toBe(META_TRACE);
    expect(traced.parentSpanId).toBe(META_PARENT);
    const header = await callSpan('header');
    expect(header.traceId).toBe(TRACE_ID);
    expect(header.parentSpanId).toBe(PARENT_ID);
    expect(header.attributes['mcp.session.id']).toBe(headerSession);
    // Every request of that client carried the header: its tools/list-less session has its initialize under the same parent.
    const init = await spanWhere(receiver, (s) => s.name === 'initialize' && s.attributes['mcp.session.id'] === headerSession);
    expect(init.parentSpanId).toBe(PARENT_ID);
  });

  it('records progress notifications and the upstream first byte as events', async () => {
    const span = await spanWhere(receiver, (s) => s.name === 'tools/call progress');
    const progress = span.events.filter((e) => e.name === 'notifications/progress');
    expect(progress.map((e) => e.attributes['mcp_gateway.progress'])).toEqual([1, 2, 3]);
    expect(progress[0]?.attributes).toMatchObject({ 'mcp_gateway.progress.total': 3, 'mcp_gateway.progress.message': 'step 1' });
    const firstByte = span.events.find((e) => e.name === 'mcp_gateway.upstream.first_byte');
    expect(firstByte).toBeDefined();
    for (const event of span.events) {
      expect(event.timeNs).toBeGreaterThanOrEqual(span.startNs);
      expect(event.timeNs).toBeLessThanOrEqual(span.endNs);
    }
  });

  it('marks JSON-RPC errors and isError results as ERROR with error.type', async () => {
    const failed = await spanWhere(receiver, (s) => s.name === 'tools/call fail');
    expect(failed.status.code).toBe(2);
    expect(failed.attributes['error.type']).toBe('tool_error');
    const prompts = await spanWhere(receiver, (s) => s.name === 'prompts/list');
    expect(prompts.status.code).toBe(2);
    expect(prompts.status.message).toMatch(/not found/i);
    expect(prompts.attributes).toMatchObject({ 'error.type': '-32601', 'rpc.response.status_code': '-32601' });
  });

  it('exports the operation and session duration histograms with the conventions\' buckets', async () => {
    const operation = await eventually(() => {
      const points = receiver.metrics.filter((m) => m.name === 'mcp.client.operation.duration').flatMap((m) => m.points);
      return points.some((p) => p.attributes['gen_ai.tool.name'] === 'progress') ? receiver.metrics.filter((m) => m.name === 'mcp.client.operation.duration') : undefined;
    }, 10_000);
    expect(operation[0]?.kind).toBe('histogram');
    expect(operation[0]?.unit).toBe('s');
    const point = operation.at(-1)?.points.find((p) => p.attributes['mcp.method.name'] === 'tools/call' && p.attributes['gen_ai.tool.name'] === 'echo');
    expect(point?.explicitBounds).toEqual(DURATION_BUCKETS);
    expect(point?.count).toBeGreaterThanOrEqual(3);
    // Low cardinality: no session, request id or arguments on metrics.
    for (const p of operation.flatMap((m) => m.points)) {
      expect(p.attributes['mcp.session.id']).toBeUndefined();
      expect(p.attributes['jsonrpc.request.id']).toBeUndefined();
    }
    const session = await eventually(() => receiver.metrics.filter((m) => m.name === 'mcp.client.session.duration').flatMap((m) => m.points).find((p) => (p.count ?? 0) >= 1), 10_000);
    expect(session.explicitBounds).toEqual(DURATION_BUCKETS);
    expect(session.attributes).toMatchObject({ 'mcp_gateway.server.name': 'up', 'network.transport': 'tcp', 'mcp.protocol.version': expect.any(String) });
    const recorded = await eventually(() => receiver.metrics.find((m) => m.name === 'mcp_gateway.messages.recorded'), 10_000);
    expect(recorded.kind).toBe('sum');
    expect(receiver.requests.every((r) => r.contentType === 'application/x-protobuf')).toBe(true);
  });

  it('shows the export in /api/health', async () => {
    let health: GatewayHealth;
    for (let tries = 0; ; tries++) {
      health = (await (await gateway.api('/health')).json()) as GatewayHealth;
      if (health.otel.exported > 0 || tries > 100) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(health.otel).toMatchObject({ enabled: true, dropped: 0, failed: 0, lastError: null });
    expect(health.otel.exported).toBeGreaterThan(0);
  });
});

describe('configured by the standard OTEL_* variables alone', () => {
  const names = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_BSP_SCHEDULE_DELAY'] as const;
  const saved = new Map(names.map((n) => [n, process.env[n]]));

  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('exports with no "otel" section, and spans a server\'s request to the client (elicitation) too', async () => {
    const receiver = await startOtlpReceiver();
    const upstream = await startUpstream();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'agents-gateway',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=ci,team=tools',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const gateway = await startTestGateway({ up: { url: upstream.url } });
    try {
      const client = new Client({ name: 'otel-elicit', version: '1.0.0' }, { capabilities: { elicitation: {} } });
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
      await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`)));
      await client.callTool({ name: 'elicit', arguments: {} });
      await client.close();
      const elicit = await spanWhere(receiver, (s) => s.name === 'elicitation/create');
      expect(elicit.kind).toBe(3);
      expect(elicit.attributes).toMatchObject({ 'mcp.method.name': 'elicitation/create', 'mcp_gateway.direction': 'server_to_client' });
      const call = await spanWhere(receiver, (s) => s.name === 'tools/call elicit');
      expect(call.resource).toMatchObject({ 'service.name': 'agents-gateway', 'deployment.environment.name': 'ci', team: 'tools' });
      expect(receiver.requests.some((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json'))).toBe(true);
    } finally {
      await gateway.stop();
      await upstream.close();
      await receiver.close();
    }
  });
});
