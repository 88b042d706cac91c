// "propagate", "captureContent", http/json, live reload of the "otel" section,
// and stdio sessions: with real gateways, SDK upstreams and a real receiver.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tempHome, type TestGateway } from '../test-support/gateway.js';
import { connect, PARENT_ID, spanWhere, startOtelGateway, TRACE_ID, TRACEPARENT, writeOtelRegistry } from '../test-support/otel-gateway.js';
import { startOtlpReceiver, type OtlpReceiver } from '../test-support/otlp-receiver.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { GatewayHealth } from '../types.js';

const SECRET = 'configured-secret-value-123';
const META_TRACE = '5bf92f3577b34da6a3ce929d0e0e4737';
const META_PARENT = '10f067aa0ba902b8';
const STDIO_SERVER = fileURLToPath(new URL('../test-support/stdio-server.mjs', import.meta.url));

const traceparentOf = (headers: Record<string, unknown>): { traceId: string; spanId: string } | null => {
  const value = headers.traceparent;
  if (typeof value !== 'string') return null;
  const [, traceId = '', spanId = ''] = value.split('-');
  return { traceId, spanId };
};

describe('"propagate" and "captureContent", over OTLP/HTTP JSON', () => {
  let receiver: OtlpReceiver;
  let upstream: TestUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    upstream = await startUpstream({ json: true });
    gateway = await startOtelGateway(
      { up: { url: upstream.url, headers: { 'X-Upstream-Key': SECRET } } },
      { endpoint: receiver.url, protocol: 'http/json', propagate: true, captureContent: true, scheduleDelayMs: 50, metricExportIntervalMs: 300 },
    );
    const { client } = await connect(`${gateway.url}/s/up/mcp`);
    await client.callTool({ name: 'echo', arguments: { text: `plain ${SECRET}` } });
    await client.callTool({ name: 'echo', arguments: { text: 'meta' }, _meta: { traceparent: `00-${META_TRACE}-${META_PARENT}-01` } });
    await client.close();
    const traced = await connect(`${gateway.url}/s/up/mcp`, { traceparent: TRACEPARENT });
    await traced.client.callTool({ name: 'echo', arguments: { text: 'header' } });
    await traced.client.close();
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await receiver.close();
  });

  const upstreamCall = (text: string) => {
    const call = upstream.requests.find((r) => r.method === 'POST' && r.body.includes('"tools/call"') && r.body.includes(`"text":"${text}`));
    expect(call, `the upstream saw the ${text} call`).toBeDefined();
    return call!;
  };

  it('sends a traceparent naming the exported span, in the session\'s trace', async () => {
    const headers = traceparentOf(upstreamCall('plain').headers);
    expect(headers).not.toBeNull();
    const span = await spanWhere(receiver, (s) => s.name === 'tools/call echo' && s.spanId === headers?.spanId);
    expect(span.traceId).toBe(headers?.traceId);
    expect(span.parentSpanId).toBe('');
    // The initialize went out with one too, naming its own span.
    const init = upstream.requests.find((r) => r.body.includes('"initialize"'));
    const initHeader = traceparentOf(init?.headers ?? {});
    const initSpan = await spanWhere(receiver, (s) => s.name === 'initialize' && s.spanId === initHeader?.spanId);
    expect(initSpan.traceId).toBe(initHeader?.traceId);
  });

  it('carries the _meta trace in the header, and never touches a body', async () => {
    const call = upstreamCall('meta');
    const header = traceparentOf(call.headers);
    expect(header?.traceId).toBe(META_TRACE);
    const span = await spanWhere(receiver, (s) => s.spanId === header?.spanId);
    expect(span.parentSpanId).toBe(META_PARENT);
    expect(call.body).toContain(`00-${META_TRACE}-${META_PARENT}-01`);
  });

  it('forwards a client\'s own traceparent header unchanged', async () => {
    expect(upstreamCall('header').headers.traceparent).toBe(TRACEPARENT);
    const span = await spanWhere(receiver, (s) => s.name === 'tools/call echo' && s.parentSpanId === PARENT_ID);
    expect(span.traceId).toBe(TRACE_ID);
  });

  it('adds no header where no request goes (notifications, the GET stream, DELETE)', () => {
    expect(upstream.requests.some((r) => r.method === 'DELETE' || r.body.includes('notifications/initialized'))).toBe(true);
    for (const request of upstream.requests) {
      const carriesRequest = /"method"/.test(request.body) && /"id"/.test(request.body);
      // Only the client's own header, when it sent one, passes through.
      if (!carriesRequest) expect([undefined, TRACEPARENT], `${request.method} ${request.body}`).toContain(request.headers.traceparent);
    }
  });

  it('puts the redacted arguments and result on tool spans, exactly as stored', async () => {
    const span = await spanWhere(receiver, (s) => s.name === 'tools/call echo' && String(s.attributes['gen_ai.tool.call.arguments'] ?? '').startsWith('{"text":"plain'));
    const args = String(span.attributes['gen_ai.tool.call.arguments']);
    expect(args).not.toContain(SECRET);
    const stored = gateway.messages().find((m) => m.id === span.attributes['mcp_gateway.message.id']);
    expect(JSON.stringify((JSON.parse(stored?.body ?? '{}') as { params: { arguments: unknown } }).params.arguments)).toBe(args);
    expect(JSON.parse(String(span.attributes['gen_ai.tool.call.result']))).toMatchObject({ content: [{ type: 'text' }] });
    expect(receiver.requests.filter((r) => r.path === '/v1/traces').every((r) => r.contentType.startsWith('application/json'))).toBe(true);
  });
});

describe('the "otel" section reloaded live', () => {
  it('turns export off and on again with a new service name, without a restart', async () => {
    const receiver = await startOtlpReceiver();
    const upstream = await startUpstream();
    const home = tempHome();
    const servers = { up: { url: upstream.url } };
    const gateway = await startOtelGateway(servers, { endpoint: receiver.url, scheduleDelayMs: 20 }, home);
    const health = async (): Promise<GatewayHealth['otel']> => ((await (await gateway.api('/health')).json()) as GatewayHealth).otel;
    try {
      const { client } = await connect(`${gateway.url}/s/up/mcp`);
      await client.callTool({ name: 'echo', arguments: { text: 'one' } });
      await spanWhere(receiver, (s) => s.name === 'tools/call echo');

      writeOtelRegistry(home, servers, { enabled: false, endpoint: receiver.url });
      for (let i = 0; (await health()).enabled && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await health()).enabled).toBe(false);
      const before = receiver.spans.length;
      await client.callTool({ name: 'echo', arguments: { text: 'off' } });

      writeOtelRegistry(home, servers, { endpoint: receiver.url, serviceName: 'team-gateway', scheduleDelayMs: 20 });
      for (let i = 0; !(await health()).enabled && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
      await client.callTool({ name: 'echo', arguments: { text: 'on' } });
      const renamed = await spanWhere(receiver, (s) => s.resource['service.name'] === 'team-gateway');
      expect(renamed.name).toBe('tools/call echo');
      // The call made while off was never exported.
      expect(receiver.spans.filter((s) => s.name === 'tools/call echo')).toHaveLength(2);
      expect(before).toBeGreaterThan(0);
      await client.close();
    } finally {
      await gateway.stop();
      await upstream.close();
      await receiver.close();
    }
  });

  it('stays off, saying why, when a header names a variable the gateway does not have', async () => {
    const home = tempHome();
    const gateway = await startOtelGateway({}, { endpoint: 'http://127.0.0.1:4317', protocol: 'http/protobuf' }, home);
    try {
      writeOtelRegistry(home, {}, { endpoint: 'http://127.0.0.1:4317', headers: { authorization: '${env:MCP_GATEWAY_TEST_UNSET_VARIABLE}' } });
      let last: GatewayHealth['otel'] | undefined;
      for (let i = 0; i < 100; i++) {
        last = ((await (await gateway.api('/health')).json()) as GatewayHealth).otel;
        if (!last.enabled) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(last).toMatchObject({ enabled: false, lastError: expect.stringContaining('MCP_GATEWAY_TEST_UNSET_VARIABLE') });
      expect(gateway.logs.join('\n')).toContain('OpenTelemetry export is off');
    } finally {
      await gateway.stop();
    }
  });
});

describe('stdio sessions', () => {
  it('are spans over a pipe, and end (session duration) when the client deletes the session and when the process exits', async () => {
    const receiver = await startOtlpReceiver();
    const gateway = await startOtelGateway(
      { local: { command: process.execPath, args: [STDIO_SERVER] } },
      { endpoint: receiver.url, scheduleDelayMs: 20, metricExportIntervalMs: 200 },
    );
    try {
      const first = await connect(`${gateway.url}/s/local/mcp`);
      await first.client.callTool({ name: 'echo', arguments: { text: 'over stdio' } });
      await first.transport.terminateSession();
      await first.client.close();
      const span = await spanWhere(receiver, (s) => s.name === 'tools/call echo');
      expect(span.attributes).toMatchObject({ 'network.transport': 'pipe', 'mcp_gateway.server.name': 'local' });
      expect(span.attributes['server.address']).toBeUndefined();

      const second = await connect(`${gateway.url}/s/local/mcp`);
      await second.client.callTool({ name: 'crash', arguments: {} }).catch(() => undefined);
      await second.client.close().catch(() => undefined);

      const sessions = await eventually(() => {
        const points = receiver.metrics.filter((m) => m.name === 'mcp.client.session.duration').at(-1)?.points ?? [];
        const total = points.reduce((n, p) => n + (p.count ?? 0), 0);
        return total >= 2 ? points : undefined;
      }, 10_000);
      const exited = sessions.find((p) => p.attributes['error.type'] === 'upstream_exited');
      const deleted = sessions.find((p) => p.attributes['error.type'] === undefined);
      expect(exited?.attributes['network.transport']).toBe('pipe');
      expect(deleted?.count).toBeGreaterThanOrEqual(1);
      const crashed = await spanWhere(receiver, (s) => s.name === 'tools/call crash');
      expect(crashed.status.code).toBe(2);
      expect(crashed.attributes['error.type']).toBe('-32000');
    } finally {
      await gateway.stop();
      await receiver.close();
    }
  });

  it('end when the idle reaper stops the process, and at shutdown', async () => {
    const receiver = await startOtlpReceiver();
    const gateway = await startOtelGateway(
      { local: { command: process.execPath, args: [STDIO_SERVER] } },
      { endpoint: receiver.url, scheduleDelayMs: 20, metricExportIntervalMs: 200 },
      tempHome(),
      { stdioIdleMs: 300 },
    );
    const sessionCount = (): number =>
      (receiver.metrics.filter((m) => m.name === 'mcp.client.session.duration').at(-1)?.points ?? []).reduce((n, p) => n + (p.count ?? 0), 0);
    try {
      const idle = await connect(`${gateway.url}/s/local/mcp`);
      await idle.client.callTool({ name: 'echo', arguments: { text: 'then idle' } });
      // Closing ends the client's GET stream but sends no DELETE, and the process lives on: only the reaper ends this one.
      await idle.client.close();
      const reaped = await eventually(() => {
        const points = receiver.metrics.filter((m) => m.name === 'mcp.client.session.duration').at(-1)?.points ?? [];
        return points.find((p) => (p.count ?? 0) >= 1 && p.attributes['error.type'] === undefined);
      }, 10_000);
      expect(reaped.sum).toBeGreaterThanOrEqual(0.3);
      const open = await connect(`${gateway.url}/s/local/mcp`);
      await open.client.callTool({ name: 'echo', arguments: { text: 'still open at shutdown' } });
      const before = sessionCount();
      await gateway.stop();
      // The last metric export, at shutdown, has the session that was still open.
      expect(sessionCount()).toBe(before + 1);
    } finally {
      await gateway.stop();
      await receiver.close();
    }
  });
});

describe('what the gateway itself sends', () => {
  it('marks the spans of a replay as the recording does (origin replay, replay_of the original)', async () => {
    const receiver = await startOtlpReceiver();
    const upstream = await startUpstream();
    const gateway = await startOtelGateway({ up: { url: upstream.url } }, { endpoint: receiver.url, scheduleDelayMs: 20 });
    try {
      const { client } = await connect(`${gateway.url}/s/up/mcp`);
      await client.callTool({ name: 'echo', arguments: { text: 'again' } });
      await client.close();
      const original = await spanWhere(receiver, (s) => s.name === 'tools/call echo');
      const id = original.attributes['mcp_gateway.message.id'];
      expect(original.attributes['mcp_gateway.origin']).toBeUndefined();
      const response = await gateway.api(`/messages/${String(id)}/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ confirm: true }) });
      expect(response.status, await response.clone().text()).toBe(200);
      const replayed = await spanWhere(receiver, (s) => s.name === 'tools/call echo' && s.attributes['mcp_gateway.origin'] === 'replay');
      expect(replayed.attributes['mcp_gateway.replay_of']).toBe(id);
      expect(replayed.spanId).not.toBe(original.spanId);
    } finally {
      await gateway.stop();
      await upstream.close();
      await receiver.close();
    }
  });
});
