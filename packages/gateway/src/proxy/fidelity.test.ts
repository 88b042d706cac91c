import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';

let gateway: TestGateway | undefined;
let raw: RawUpstream | undefined;
let sdk: TestUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await raw?.close();
  await sdk?.close();
  gateway = raw = sdk = undefined;
});

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('Streamable HTTP, full fidelity', () => {
  it('passes odd but valid SSE through byte for byte and parses it right', async () => {
    const stream =
      ': keep-alive\r\n\r\n' +
      'id: prime-1\r\ndata:\r\n\r\n' +
      'retry: 3000\r\n\r\n' +
      'id: e2\nevent: message\ndata: {"jsonrpc":"2.0",\ndata: "method":"notifications/message","params":{"level":"info","data":"x"}}\n\n' +
      'data: {"jsonrpc":"2.0","id":1,"result":{"ok":true}}\r\n\r\n';
    raw = await startRawUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Split mid-line and mid-CRLF, as a real network would.
      for (let i = 0; i < stream.length; i += 7) {
        res.write(stream.slice(i, i + 7));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      res.end();
    });
    gateway = await startTestGateway({ raw: { url: raw.url } });
    const response = await fetch(`${gateway.url}/s/raw/mcp`, { method: 'POST', headers, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(await response.text()).toBe(stream);
    const rows = await eventually(() => gateway!.messages().length === 3 && gateway!.messages());
    expect(rows.map((r) => [r.kind, r.method, r.sseEventId])).toEqual([
      ['request', 'ping', null],
      ['notification', 'notifications/message', 'e2'],
      ['response', 'ping', null],
    ]);
    expect(JSON.parse(rows[1]!.body)).toMatchObject({ params: { data: 'x' } });
    expect(rows[2]?.pairedId).toBe(rows[0]?.id);
  });

  it.each([
    [202, {}, ''],
    [405, { allow: 'GET, POST, DELETE' }, '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Method not allowed."},"id":null}'],
    [406, {}, '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Not Acceptable"},"id":null}'],
    [409, {}, '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Conflict: Only one SSE stream is allowed per session"},"id":null}'],
    [415, {}, '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Unsupported Media Type"},"id":null}'],
  ] as const)('passes status %i through unchanged', async (status, extra, body) => {
    raw = await startRawUpstream((_req, res) => {
      res.writeHead(status, { ...(body ? { 'content-type': 'application/json' } : {}), ...extra });
      res.end(body);
    });
    gateway = await startTestGateway({ raw: { url: raw.url } });
    const response = await fetch(`${gateway.url}/s/raw/mcp`, { method: 'POST', headers, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(body);
    for (const [name, value] of Object.entries(extra)) expect(response.headers.get(name)).toBe(value);
  });

  it('records a 404 on a session as an expired session', async () => {
    raw = await startRawUpstream((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
    });
    gateway = await startTestGateway({ raw: { url: raw.url } });
    const response = await fetch(`${gateway.url}/s/raw/mcp`, { method: 'POST', headers: { ...headers, 'mcp-session-id': 'gone' }, body: '{"jsonrpc":"2.0","id":5,"method":"tools/list"}' });
    expect(response.status).toBe(404);
    const exchange = await eventually(() => gateway!.exchanges().find((e) => e.error));
    expect(exchange.error).toContain('session not found upstream');
  });

  it('forwards Last-Event-ID, the session and protocol headers, and the 2026 request headers untouched', async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    raw = await startRawUpstream((req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end();
    });
    gateway = await startTestGateway({ raw: { url: raw.url } });
    const sent = {
      'last-event-id': 'stream-1:42',
      'mcp-session-id': 'abc',
      'mcp-protocol-version': '2025-11-25',
      'mcp-method': 'tools/call',
      'mcp-name': 'search',
      'mcp-param-region': '=?base64?ZXUtd2VzdA==?=',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    await (await fetch(`${gateway.url}/s/raw/mcp`, { headers: { accept: 'text/event-stream', ...sent } })).text();
    for (const [name, value] of Object.entries(sent)) expect(seen[name]).toBe(value);
  });

  it('records and pairs server-to-client requests on the POST and the GET stream, answered by later POSTs', async () => {
    sdk = await startUpstream();
    gateway = await startTestGateway({ up: { url: sdk.url } });
    const client = new Client({ name: 'c', version: '1' }, { capabilities: { roots: {}, elicitation: {} } });
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`)));
    // The SDK client opens the GET stream right after initialize; wait until the upstream has it.
    await eventually(() => sdk!.requests.some((r) => r.method === 'GET'));
    const roots = await client.callTool({ name: 'ask_roots', arguments: {} });
    expect(roots.content).toEqual([{ type: 'text', text: 'file:///work' }]);
    const elicited = await client.callTool({ name: 'elicit', arguments: {} });
    expect(elicited.content).toEqual([{ type: 'text', text: 'hello Ada' }]);
    await client.close();

    const rows = gateway.messages();
    for (const [method, stream] of [['roots/list', 'get-sse'], ['elicitation/create', 'post-sse'], ['ping', 'post-sse']] as const) {
      const request = rows.find((r) => r.method === method && r.kind === 'request' && r.direction === 'server_to_client');
      expect(request, method).toMatchObject({ stream });
      const answer = rows.find((r) => r.id === request?.pairedId);
      expect(answer, `${method} answer`).toMatchObject({ direction: 'client_to_server', kind: 'response', method, pairedId: request?.id, stream: 'http-body' });
      expect(answer?.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
});
