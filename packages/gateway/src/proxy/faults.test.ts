import Database from 'better-sqlite3';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';

// One gateway for the whole file: every fault must leave it up and its store
// intact, with everything recorded before still there.
let gateway: TestGateway;
const upstreams: RawUpstream[] = [];
let baseline = 0;

async function upstream(name: string, handler: Parameters<typeof startRawUpstream>[0]): Promise<string> {
  const started = await startRawUpstream(handler);
  upstreams.push(started);
  const file = join(gateway.home, 'mcp.json');
  const { putServer } = await import('../registry/registry.js');
  await putServer(file, name, { url: started.url }, { replace: true });
  await eventually(() => gateway.registry.get(name)?.entry.url === started.url, 2000);
  return `${gateway.url}/s/${name}/mcp`;
}

const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

beforeAll(async () => {
  gateway = await startTestGateway({});
  const url = await upstream('good', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
  });
  for (let i = 0; i < 5; i++) await (await fetch(url, { method: 'POST', headers: json, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' })).text();
  baseline = (await eventually(() => gateway.messages().length === 10 && gateway.messages())).length;
});

afterAll(async () => {
  // After every fault: still answering, store intact, nothing recorded before lost.
  const health = await gateway.api('/health');
  expect(health.status).toBe(200);
  gateway.writer.flushSync();
  const db = new Database(join(gateway.home, 'logs.db'), { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  expect(gateway.messages().length).toBeGreaterThanOrEqual(baseline);
  expect(gateway.messages().slice(0, baseline).every((r) => r.server === 'good')).toBe(true);
  await gateway.stop();
  for (const u of upstreams) await u.close();
});

describe('bad input from clients', () => {
  it('refuses a 100 MB body with 413 and a message naming the limit', async () => {
    let reached = false;
    const url = await upstream('big', (_req, res) => {
      reached = true;
      res.writeHead(202).end();
    });
    const body = Buffer.alloc(100 * 1024 * 1024, 0x20);
    const response = await request(url, { method: 'POST', headers: json, body }).catch((error: unknown) => error);
    // The gateway may answer 413 before it has read the whole body, and the client may see the reset instead.
    if (!(response instanceof Error)) {
      expect((response as { statusCode: number }).statusCode).toBe(413);
      expect(await (response as { body: { text(): Promise<string> } }).body.text()).toContain('exceeds the gateway');
    }
    expect(reached).toBe(false);
  });

  it('forwards invalid UTF-8 byte for byte and records it as invalid', async () => {
    let received: Buffer | undefined;
    const url = await upstream('bytes', (_req, res, _text, bytes) => {
      received = bytes;
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    });
    const sent = Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]);
    const response = await request(url, { method: 'POST', headers: json, body: sent });
    expect(response.statusCode).toBe(400);
    await response.body.dump();
    await eventually(() => received !== undefined);
    expect(received?.equals(sent)).toBe(true);
    const row = await eventually(() => gateway.messages().find((r) => r.server === 'bytes' && r.direction === 'client_to_server'));
    expect(row.kind).toBe('invalid');
  });

  it('survives 100,000 levels of nesting', async () => {
    const url = await upstream('deep', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const response = await fetch(url, { method: 'POST', headers: json, body: deep });
    expect(response.status).toBe(200);
    await response.text();
    await eventually(() => gateway.messages().some((r) => r.server === 'deep' && r.direction === 'client_to_server'));
  });

  it.each([
    ['an encoded traversal', '/s/..%2F..%2Fetc%2Fpasswd/mcp'],
    ['a right-to-left override', '/s/%E2%80%AEevil/mcp'],
    ['a NUL byte', '/s/a%00b/mcp'],
    ['a 5000-character name', `/s/${'x'.repeat(5000)}/mcp`],
    ['SQL', "/s/' OR 1=1 --/mcp"],
  ])('answers a server name with %s with a clear 404 naming the registered servers', async (_label, path) => {
    const response = await request(`${gateway.url}${path}`, { method: 'POST', headers: json, body: '{}' });
    expect(response.statusCode).toBe(404);
    const body = (await response.body.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/Unknown server .*Registered servers: .*good/s);
  });

  it('normalizes dot segments before routing, so /s/%2e%2e/mcp never reaches a server', async () => {
    const response = await request(`${gateway.url}/s/%2e%2e/mcp`, { method: 'POST', headers: json, body: '{}' });
    expect(response.statusCode).toBe(404);
    await response.body.dump();
  });
});

describe('upstream faults', () => {
  it('an upstream that dies mid-stream: the client sees the stream end, the exchange says why', async () => {
    const url = await upstream('dies', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const response = await fetch(url, { method: 'POST', headers: json, body: '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"x"}}' });
    await expect(response.text()).rejects.toThrow();
    const exchange = await eventually(() => gateway.exchanges().find((e) => e.server === 'dies' && e.done_at !== null));
    expect(String(exchange.error)).toMatch(/upstream stream failed/);
    expect(gateway.messages().some((r) => r.server === 'dies' && r.method === 'notifications/progress')).toBe(true);
  });

  it('an upstream that never answers: the client decides when to give up, and the upstream request is dropped', async () => {
    let closed = false;
    const url = await upstream('hangs', (req) => {
      req.socket.on('close', () => {
        closed = true;
      });
    });
    const aborted = fetch(url, { method: 'POST', headers: json, body: '{"jsonrpc":"2.0","id":3,"method":"tools/list"}', signal: AbortSignal.timeout(300) });
    await expect(aborted).rejects.toThrow();
    await eventually(() => closed, 3000);
    const row = await eventually(() => gateway.messages().find((r) => r.server === 'hangs' && r.method === 'gateway/aborted'));
    expect(row.stream).toBe('gateway');
  });

  it.each([
    ['garbage JSON', 'application/json', 'this is <html> not json'],
    ['garbage SSE', 'text/event-stream', 'data: {not json\n\n\u0000\u0001binary\r\n\r\nevent: weird\ndata: [1,2\n\n'],
    ['an empty 200', 'application/json', ''],
  ])('an upstream that sends %s: passed through untouched, recorded as invalid', async (_name, type, body) => {
    const name = `garbage${type.length}${body.length}`;
    const url = await upstream(name, (_req, res) => {
      res.writeHead(200, { 'content-type': type }).end(body);
    });
    const response = await fetch(url, { method: 'POST', headers: json, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(await response.text()).toBe(body);
    await eventually(() => gateway.exchanges().some((e) => e.server === name && e.done_at !== null));
    const answers = gateway.messages().filter((r) => r.server === name && r.direction === 'server_to_client');
    expect(answers.every((r) => r.kind === 'invalid')).toBe(true);
  });
});
