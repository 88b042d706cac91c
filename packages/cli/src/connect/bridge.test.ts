import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runBridge } from './bridge.js';

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | null = null;
afterEach(async () => {
  const open = server;
  server = null;
  if (!open) return;
  open.closeAllConnections();
  await new Promise((resolve) => open.close(resolve));
});

/** A scripted Streamable HTTP endpoint: each test says how it answers. */
async function endpoint(answer: (req: Seen, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', headers: req.headers, body };
      seen.push(request);
      answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/s/x/mcp`, seen };
}

/** Runs the bridge over the given stdin lines; resolves with what it wrote to stdout (lines) and stderr. */
async function bridge(url: string, lines: string[]): Promise<{ out: string[]; log: string[] }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  const log: string[] = [];
  const done = runBridge({ url, input, output, log: (line) => void log.push(line), closeGraceMs: 2000 });
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await done;
  return { out: written.split('\n').filter(Boolean), log };
}

const INIT = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}';

describe('the connect bridge', () => {
  it('sends each line byte for byte, puts a pretty-printed answer on one line, keeps the session id and protocol version, and DELETEs at the end', async () => {
    const { url, seen } = await endpoint((req, res) => {
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      // The GET stream the bridge opens after initialized: this server offers none.
      if (req.method === 'GET') return void res.writeHead(405).end();
      const message = JSON.parse(req.body) as { id?: number; method: string };
      if (message.id === undefined) return void res.writeHead(202).end();
      const result = message.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } : { echoed: message.method };
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'sess-1' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }, null, 2));
    });
    const odd = '{"id":2,   "jsonrpc":"2.0","method":"tools/list" , "params":{}}';
    const { out } = await bridge(url, [INIT, '{"jsonrpc":"2.0","method":"notifications/initialized"}', odd]);
    expect(out.map((l) => JSON.parse(l) as { id: number })).toEqual([
      { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } },
      { jsonrpc: '2.0', id: 2, result: { echoed: 'tools/list' } },
    ]);
    const posts = seen.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body)).toEqual([INIT, '{"jsonrpc":"2.0","method":"notifications/initialized"}', odd]);
    expect(posts[0]?.headers['mcp-session-id']).toBeUndefined();
    expect(posts[2]?.headers).toMatchObject({ 'mcp-session-id': 'sess-1', 'mcp-protocol-version': '2025-06-18', accept: 'application/json, text/event-stream' });
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 'sess-1' } });
  });

  it('writes each SSE event of an answer as a line, notifications before the response', async () => {
    const { url } = await endpoint((req, res) => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: 1\r\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\r\n\r\n');
      res.write(': keep-alive\n\nevent: message\ndata: {"jsonrpc":"2.0",\ndata: "id":1,"result":{}}\n\n');
      res.end();
    });
    const { out } = await bridge(url, [INIT]);
    expect(out).toEqual(['{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}', '{"jsonrpc":"2.0","id":1,"result":{}}']);
  });

  it('answers a request the gateway could not answer with an error for its id, and says why on stderr', async () => {
    const { url } = await endpoint((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    const { out, log } = await bridge(url, ['{"jsonrpc":"2.0","id":"a","method":"tools/list"}']);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ jsonrpc: '2.0', id: 'a', error: { code: -32603, message: expect.stringContaining('HTTP 502') } });
    expect(log.join('\n')).toContain('<html>bad gateway</html>');
  });

  it('forwards a JSON-RPC error the gateway sends for the request as it came', async () => {
    const body = '{"jsonrpc":"2.0","id":7,"error":{"code":-32000,"message":"upstream says no"}}';
    const { url } = await endpoint((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(body);
    });
    const { out } = await bridge(url, ['{"jsonrpc":"2.0","id":7,"method":"ping"}']);
    expect(out).toEqual([body]);
  });

  it('an unreachable gateway: an error for each request, nothing for notifications', async () => {
    const { out, log } = await bridge('http://127.0.0.1:9/s/x/mcp', ['{"jsonrpc":"2.0","id":1,"method":"ping"}', '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}']);
    expect(out.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1]);
    expect(log.join('\n')).toContain('cannot reach the gateway');
  });
});
