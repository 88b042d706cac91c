// Served by @hono/node-server, the /mcp route reads Node's raw header list and
// writes streamed answers straight to Node's response; without it (app.fetch)
// it walks a Headers object and returns a web ReadableStream. Both must send
// the upstream the same request, give the client the same answer, and record
// the same rows.
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../types.js';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawHandler, type RawUpstream } from '../test-support/raw-upstream.js';

let gateway: TestGateway | undefined;
let upstream: RawUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REQUEST = '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":"p"}}}';

/** The headers both clients send, byte for byte (Node's client would add Connection itself). */
function clientHeaders(host: string): Record<string, string> {
  return {
    host,
    connection: 'keep-alive',
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-session-id': 'session-1',
    'x-trace': '  padded  ',
    'content-length': String(Buffer.byteLength(REQUEST)),
  };
}

/** Through the real listener: Node's request and response reach the route. */
function viaNode(gw: TestGateway): Promise<Answer> {
  const url = new URL(`${gw.url}/s/raw/mcp`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: clientHeaders(url.host) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: answerHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(REQUEST);
  });
}

/** Through app.fetch: no Node objects, the general path. */
async function viaFetch(gw: TestGateway): Promise<Answer> {
  const url = new URL(`${gw.url}/s/raw/mcp`);
  const response = await gw.app.fetch(new Request(url, { method: 'POST', headers: clientHeaders(url.host), body: REQUEST }));
  const headers: IncomingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers: answerHeaders(headers), body: await response.text() };
}

/** What the gateway sets on the answer; Node's own framing headers differ between the two clients by nature. */
function answerHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join('\n') : value;
  }
  return out;
}

/** A row without what differs by nature between two exchanges: ids (links kept as offsets within the exchange) and times. */
function comparable(rows: MessageRecord[]): unknown[] {
  const first = rows[0]?.id ?? 0;
  return rows.map(({ id, timestamp, exchangeId, durationMs, pairedId, relatedId, ...rest }) => ({
    ...rest,
    offset: id - first,
    pairedId: pairedId === null ? null : pairedId - first,
    relatedId: relatedId === null ? null : relatedId - first,
    timed: durationMs !== null,
  }));
}

async function bothWays(handler: RawHandler): Promise<void> {
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  upstream = await startRawUpstream(async (req, res, body, bytes) => {
    seen.push({ headers: req.headers, body });
    await handler(req, res, body, bytes);
  });
  gateway = await startTestGateway({ raw: { url: upstream.url, headers: { Authorization: 'Bearer configured-secret-0123456789' } } });
  const gw = gateway;
  const node = await viaNode(gw);
  const rowsAfterNode = await eventually(() => gw.exchanges().some((e) => e.done_at !== null) && gw.messages());
  const general = await viaFetch(gw);
  await eventually(() => gw.exchanges().filter((e) => e.done_at !== null).length === 2);
  const rows = gw.messages();

  expect(node).toEqual(general);
  expect(seen).toHaveLength(2);
  expect(seen[0]).toEqual(seen[1]);
  // The upstream's Date header differs between the two exchanges when they straddle a second.
  const [first, second] = gw.exchanges().map(({ id, received_at, upstream_first_byte_at, done_at, response_headers, ...rest }) => {
    const { date, ...headers } = JSON.parse(response_headers as string) as Record<string, string>;
    return { ...rest, response_headers: headers, dated: date !== undefined };
  });
  expect(first).toEqual(second);
  expect(comparable(rows.slice(rowsAfterNode.length))).toEqual(comparable(rowsAfterNode));
}

describe('the Node path and the general path', () => {
  it('an event stream in odd chunks', async () => {
    const events =
      'event: message\nid: e1\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":1}}\n\n' +
      ': comment\n\nevent: message\nid: e2\ndata: {"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"token ghp_abc configured-secret-0123456789"}]}}\n\n';
    await bothWays(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'session-1', 'x-dup': ['a', 'b'] });
      for (let i = 0; i < events.length; i += 23) {
        res.write(events.slice(i, i + 23));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      res.end();
    });
  });

  it('a JSON body of unknown length', async () => {
    await bothWays((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jsonrpc":"2.0","id":7,');
      res.end('"result":{"ok":true}}');
    });
  });

  it('a JSON body of known length', async () => {
    const body = '{"jsonrpc":"2.0","id":7,"result":{"ok":true}}';
    await bothWays((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
    });
  });
});

describe('the Node path under load', () => {
  it('reads the upstream no faster than the client reads the gateway', async () => {
    const chunk = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    let written = 0;
    let upstreamDone = false;
    upstream = await startRawUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 1024 && !res.destroyed; i++) {
        written += chunk.length;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
      upstreamDone = true;
    });
    gateway = await startTestGateway({ raw: { url: upstream.url } });
    const url = new URL(`${gateway.url}/s/raw/mcp`);
    let read = 0;
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: clientHeaders(url.host) }, (res) => {
        res.pause();
        // 64 MB offered; while the client reads nothing, only socket and stream buffers may fill.
        setTimeout(() => {
          try {
            expect(written).toBeLessThan(16 * 1024 * 1024);
            expect(upstreamDone).toBe(false);
          } catch (error) {
            reject(error);
            return;
          }
          res.on('data', (data: Buffer) => {
            read += data.length;
          });
          res.on('end', () => resolve());
          res.resume();
        }, 500);
      });
      req.on('error', reject);
      req.end(REQUEST);
    });
    expect(read).toBe(written);
    expect(upstreamDone).toBe(true);
  });
});
