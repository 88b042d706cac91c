// What the client gets on the wire for the headers an upstream sends. Most
// answers go out as a plain header record (the adapter's cheap path); several
// Set-Cookie lines need a Headers object (its general path). Both must put the
// same header lines on the wire, and the same lines as before either existed.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';

let gateway: TestGateway | undefined;
let upstream: RawUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

/** Lines Node writes itself on every response (Date, when the upstream sent none, as here). */
const NODE_OWN = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

interface Seen {
  status: number;
  /** Lower-cased `name: value` lines, sorted (the order is not part of the contract). */
  lines: string[];
  body: string;
}

function post(url: string, body: string): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = (res.rawHeaders[i] as string).toLowerCase();
          if (!NODE_OWN.has(name)) lines.push(`${name}: ${res.rawHeaders[i + 1] as string}`);
        }
        resolve({ status: res.statusCode ?? 0, lines: lines.sort(), body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Answer = { status: number; headers: Array<[string, string]>; body: string };

async function through(answer: Answer): Promise<Seen> {
  upstream = await startRawUpstream((_req, res) => {
    res.sendDate = false;
    res.writeHead(answer.status, answer.headers.flat());
    res.end(answer.body);
  });
  gateway = await startTestGateway({ raw: { url: upstream.url } });
  return post(`${gateway.url}/s/raw/mcp`, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
}

const RESULT = '{"jsonrpc":"2.0","id":1,"result":{}}';

describe('response headers on the wire', () => {
  it('a JSON answer: every header kept, a repeated one joined, hop-by-hop ones dropped', async () => {
    const seen = await through({
      status: 200,
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Length', String(RESULT.length)],
        ['Mcp-Session-Id', 's-1'],
        ['X-Dup', 'a'],
        ['X-Dup', 'b'],
        ['Set-Cookie', 'one=1; Path=/'],
        ['Proxy-Authenticate', 'Basic'],
      ],
      body: RESULT,
    });
    expect(seen).toEqual({
      status: 200,
      lines: [`content-length: ${RESULT.length}`, 'content-type: application/json', 'mcp-session-id: s-1', 'set-cookie: one=1; Path=/', 'x-dup: a, b'],
      body: RESULT,
    });
  });

  it('several Set-Cookie lines stay several lines', async () => {
    const seen = await through({
      status: 200,
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Length', String(RESULT.length)],
        ['Set-Cookie', 'one=1'],
        ['Set-Cookie', 'two=2'],
        ['X-Dup', 'a'],
        ['X-Dup', 'b'],
      ],
      body: RESULT,
    });
    expect(seen.lines).toEqual([`content-length: ${RESULT.length}`, 'content-type: application/json', 'set-cookie: one=1', 'set-cookie: two=2', 'x-dup: a, b']);
    expect(seen.body).toBe(RESULT);
  });

  it('a body without a content type gets the one the HTTP adapter has always added', async () => {
    const seen = await through({ status: 200, headers: [['Content-Length', '5']], body: 'hello' });
    expect(seen.lines).toEqual(['content-length: 5', 'content-type: text/plain; charset=UTF-8']);
    expect(seen.body).toBe('hello');
  });

  it('an empty answer gets no content type', async () => {
    const seen = await through({ status: 202, headers: [['Content-Length', '0']], body: '' });
    expect(seen).toEqual({ status: 202, lines: ['content-length: 0'], body: '' });
  });

  it('an event stream: no length, and told not to be buffered or cached', async () => {
    const events = 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n';
    const seen = await through({ status: 200, headers: [['Content-Type', 'text/event-stream'], ['Content-Length', String(events.length)]], body: events });
    expect(seen.lines).toEqual(['cache-control: no-cache', 'content-type: text/event-stream', 'x-accel-buffering: no']);
    expect(seen.body).toBe(events);
  });

  it('a 401: every challenge points at the gateway, joined as one line', async () => {
    const seen = await through({
      status: 401,
      headers: [
        ['Content-Length', '0'],
        ['WWW-Authenticate', 'Bearer resource_metadata="http://127.0.0.1:1/.well-known/oauth-protected-resource"'],
        ['WWW-Authenticate', 'Basic realm="x"'],
      ],
      body: '',
    });
    expect(seen.status).toBe(401);
    expect(seen.lines).toEqual([
      'content-length: 0',
      `www-authenticate: Bearer resource_metadata="${gateway!.url}/.well-known/oauth-protected-resource/s/raw/mcp", Basic realm="x"`,
    ]);
  });
});
