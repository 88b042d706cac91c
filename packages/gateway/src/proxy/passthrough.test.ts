import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';

let gateway: TestGateway | undefined;
let upstream: RawUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = undefined;
  upstream = undefined;
});

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });

describe('transparent pass-through', () => {
  it('streams SSE events to the client as the upstream emits them', async () => {
    let release: () => void = () => undefined;
    const second = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream = await startRawUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's-1' });
      res.write('event: message\nid: e1\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n');
      // The second event is only sent once the client has seen the first: a buffering proxy deadlocks here.
      await second;
      res.end('event: message\nid: e2\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    const response = await post(`${gateway.url}/s/raw/mcp`, '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":1}}}');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('mcp-session-id')).toBe('s-1');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!seen.includes('id: e1\n')) seen += decoder.decode((await reader.read()).value);
    expect(seen).not.toContain('e2');
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value);
    }
    expect(seen).toBe(
      'event: message\nid: e1\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n' +
        'event: message\nid: e2\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n',
    );
    const rows = await eventually(() => {
      const all = gateway!.messages();
      return all.length === 3 && all;
    });
    expect(rows.map((r) => [r.kind, r.sseEventId])).toEqual([
      ['request', null],
      ['notification', 'e1'],
      ['response', 'e2'],
    ]);
    expect(rows[2]?.pairedId).toBe(rows[0]?.id);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    let upstreamClosed = false;
    upstream = await startRawUpstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': keep-alive\n\n');
      req.socket.on('close', () => {
        upstreamClosed = true;
      });
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/s/raw/mcp`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(() => upstreamClosed, 3000);
    const exchange = await eventually(() => gateway!.exchanges().find((e) => e.done_at !== null));
    expect(exchange.error).toBe('client disconnected');
  });

  it('records an aborted event on a request whose response stream the client closed', async () => {
    upstream = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}}\n\n');
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/s/raw/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-method': 'tools/call' },
      body: '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","_meta":{"progressToken":"t"}}}',
      signal: controller.signal,
    });
    await response.body!.getReader().read();
    controller.abort();
    const rows = await eventually(() => {
      const all = gateway!.messages();
      return all.length === 3 && all;
    });
    const [request, progress, aborted] = rows;
    expect(progress).toMatchObject({ method: 'notifications/progress', relatedId: request?.id });
    expect(aborted).toMatchObject({ method: 'gateway/aborted', stream: 'gateway', direction: 'client_to_server', relatedId: request?.id });
    expect(request?.pairedId).toBeNull();
  });

  it('passes status codes, headers and malformed bodies through unchanged', async () => {
    let received = '';
    upstream = await startRawUpstream((req, res, body) => {
      received = body;
      res.writeHead(400, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="x"', 'x-custom': 'kept' });
      res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    const malformed = '{"jsonrpc":"2.0","id":1,"method":"tools/list"  oops';
    const response = await post(`${gateway.url}/s/raw/mcp`, malformed);
    expect(received).toBe(malformed);
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="x"');
    expect(response.headers.get('x-custom')).toBe('kept');
    // Nothing added: the gateway's own security headers are for its own pages.
    expect(response.headers.get('content-security-policy')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBeNull();
    expect(await response.text()).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    const rows = await eventually(() => gateway!.messages().length === 2 && gateway!.messages());
    expect(rows[0]).toMatchObject({ kind: 'invalid', direction: 'client_to_server', body: malformed, httpStatus: 400 });
    expect(rows[1]).toMatchObject({ kind: 'error', direction: 'server_to_client', httpStatus: 400, isError: true });
  });

  it('expands ${env:NAME} in configured headers and masks the value in the recording', async () => {
    process.env.MCP_GATEWAY_TEST_TOKEN = 'token-from-the-environment-123';
    let seen: string | undefined;
    upstream = await startRawUpstream((req, res) => {
      seen = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{"echo":"token-from-the-environment-123"}}');
    });
    gateway = await startTestGateway({ raw: { url: upstream.url, headers: { Authorization: 'Bearer ${env:MCP_GATEWAY_TEST_TOKEN}' } } });
    await post(`${gateway.url}/s/raw/mcp`, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    expect(seen).toBe('Bearer token-from-the-environment-123');
    const rows = await eventually(() => gateway!.messages().length === 2 && gateway!.messages());
    expect(JSON.stringify(rows) + JSON.stringify(gateway.exchanges())).not.toContain('token-from-the-environment-123');
  });

  it('records each element of a batch', async () => {
    upstream = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"jsonrpc":"2.0","id":"a","result":{}},{"jsonrpc":"2.0","id":2,"result":{"ok":true}}]');
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    const response = await post(
      `${gateway.url}/s/raw/mcp`,
      '[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]',
    );
    expect(response.status).toBe(200);
    const rows = await eventually(() => gateway!.messages().length === 5 && gateway!.messages());
    expect(rows.map((r) => [r.direction, r.kind, r.method, r.jsonrpcId])).toEqual([
      ['client_to_server', 'request', 'ping', 'a'],
      ['client_to_server', 'request', 'tools/list', 2],
      ['client_to_server', 'notification', 'notifications/initialized', null],
      ['server_to_client', 'response', 'ping', 'a'],
      ['server_to_client', 'response', 'tools/list', 2],
    ]);
    expect(rows[3]?.pairedId).toBe(rows[0]?.id);
    expect(rows[4]?.pairedId).toBe(rows[1]?.id);
  });

  it('never pairs id 1 with "1"', async () => {
    upstream = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":"1","result":{}}');
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    await post(`${gateway.url}/s/raw/mcp`, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    const rows = await eventually(() => gateway!.messages().length === 2 && gateway!.messages());
    expect(rows[0]?.jsonrpcId).toBe(1);
    expect(rows[1]?.jsonrpcId).toBe('1');
    expect(rows[1]?.pairedId).toBeNull();
  });
});

describe('errors the gateway answers itself', () => {
  it('answers 404 for an unknown server, naming the registered ones', async () => {
    gateway = await startTestGateway({ alpha: { url: 'http://127.0.0.1:9/mcp' }, beta: { url: 'http://127.0.0.1:9/mcp' } });
    const response = await post(`${gateway.url}/s/nope/mcp`, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Unknown server "nope"');
    expect(body.error.message).toContain('alpha, beta');
  });

  it('answers 502 with the request id when the upstream is down, and records it', async () => {
    // Port 9 (discard) is closed on loopback: connection refused.
    gateway = await startTestGateway({ down: { url: 'http://127.0.0.1:9/mcp' } });
    const response = await post(`${gateway.url}/s/down/mcp`, '{"jsonrpc":"2.0","id":42,"method":"tools/list"}');
    expect(response.status).toBe(502);
    const body = (await response.json()) as { id: number; error: { message: string } };
    expect(body.id).toBe(42);
    expect(body.error.message).toContain('"down"');
    expect(body.error.message).toContain('connection refused');
    const rows = await eventually(() => gateway!.messages().length === 2 && gateway!.messages());
    expect(rows[1]).toMatchObject({ kind: 'error', stream: 'gateway', httpStatus: 502, pairedId: rows[0]?.id, method: 'tools/list' });
    const exchange = gateway.exchanges()[0];
    expect(exchange?.status).toBe(502);
    expect(String(exchange?.error)).toContain('connection refused');
  });
});
