import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistry, RegistryError } from '../registry/file.js';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';

const PAGE = 'http://localhost:5173';

let upstream: TestUpstream;
let gateway: TestGateway;

function registry(extra: Record<string, unknown> = {}): void {
  const servers = { open: { url: upstream.url }, page: { url: upstream.url, allowedOrigins: [PAGE] } };
  writeFileSync(join(gateway.home, 'mcp.json'), JSON.stringify({ mcpServers: servers, ...extra }, null, 2));
  gateway.registry.reload();
}

beforeAll(async () => {
  upstream = await startUpstream({ corsOrigins: [PAGE] });
  gateway = await startTestGateway({ open: { url: upstream.url }, page: { url: upstream.url, allowedOrigins: [PAGE] } });
});
afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } } });
const post = (path: string, origin: string) =>
  request(`${gateway.url}${path}`, { method: 'POST', headers: { origin, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: initialize });

describe('allowedOrigins: browser pages on /s/*', () => {
  it('refuses a foreign Origin on a server that does not allow it, and counts it in the audit log', async () => {
    const response = await post('/s/open/mcp', PAGE);
    expect(response.statusCode).toBe(403);
    await response.body.dump();
    // Refusals are counted and written through the writer: the first at once.
    let subjects: Array<string | null> = [];
    for (let i = 0; i < 100 && !subjects.includes('origin'); i++) {
      await gateway.writer.flush();
      const page = (await (await gateway.api('/audit?event=request.refused')).json()) as { entries: Array<{ subject: string | null }> };
      subjects = page.entries.map((e) => e.subject);
      if (!subjects.includes('origin')) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(subjects).toContain('origin');
  });

  it('forwards the preflight of an allowed origin and passes the upstream CORS answer through unchanged', async () => {
    const before = upstream.requests.length;
    const response = await request(`${gateway.url}/s/page/mcp`, {
      method: 'OPTIONS',
      headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, mcp-protocol-version' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(PAGE);
    expect(response.headers['access-control-allow-methods']).toBe('GET, POST, DELETE');
    expect(response.headers['access-control-allow-headers']).toBe('content-type, accept, authorization, mcp-session-id, mcp-protocol-version, last-event-id');
    expect(response.headers['x-upstream-preflight']).toBe('yes');
    // None of the gateway's own headers (CSP and friends) on a proxied answer.
    expect(response.headers['content-security-policy']).toBeUndefined();
    await response.body.dump();
    expect(upstream.requests.slice(before).map((r) => [r.method, r.headers.origin])).toEqual([['OPTIONS', PAGE]]);
  });

  it('an SDK client with that Origin works through the gateway and is recorded; other servers, /api and /gateway/mcp still refuse it', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/page/mcp`), { requestInit: { headers: { origin: PAGE } } });
    const client = new Client({ name: 'page', version: '1' });
    await client.connect(transport);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'from a page' } });
    expect(result.content).toEqual([{ type: 'text', text: 'from a page' }]);
    await transport.terminateSession();
    await client.close();
    const recorded = await eventually(() => gateway.messages().filter((m) => m.server === 'page' && m.method === 'tools/call'));
    expect(recorded.map((m) => m.kind).sort()).toEqual(['request', 'response']);
    expect(upstream.requests.some((r) => r.headers.origin === PAGE && r.method === 'POST')).toBe(true);

    for (const path of ['/s/open/mcp', '/api/health', '/gateway/mcp']) {
      const response = await request(`${gateway.url}${path}`, { method: path.startsWith('/api') ? 'GET' : 'POST', headers: { origin: PAGE, ...gateway.auth } });
      expect(response.statusCode, path).toBe(403);
      await response.body.dump();
    }
  });

  it('gateway-wide allowedOrigins opens every server, never /api, and takes effect without a restart', async () => {
    registry({ allowedOrigins: [PAGE] });
    const open = await post('/s/open/mcp', PAGE);
    expect(open.statusCode).toBe(200);
    await open.body.dump();
    const api = await request(`${gateway.url}/api/health`, { headers: { origin: PAGE, ...gateway.auth } });
    expect(api.statusCode).toBe(403);
    await api.body.dump();
    // Exact matches only: another port or scheme is another origin.
    for (const other of ['http://localhost:5174', 'https://localhost:5173', 'http://127.0.0.1:5173', 'null']) {
      const response = await post('/s/open/mcp', other);
      expect(response.statusCode, other).toBe(403);
      await response.body.dump();
    }
    registry();
    const closed = await post('/s/open/mcp', PAGE);
    expect(closed.statusCode).toBe(403);
    await closed.body.dump();
  });

  it.each(['http://localhost:5173/', '*', 'http://*.example.com', 'localhost:5173', 'HTTP://LOCALHOST:5173', 'file:///x', 'http://localhost:5173/app'])(
    'refuses %j in mcp.json with a message naming the form',
    (origin) => {
      expect(() => parseRegistry('/h/mcp.json', JSON.stringify({ allowedOrigins: [origin], mcpServers: {} }))).toThrow(RegistryError);
      expect(() => parseRegistry('/h/mcp.json', JSON.stringify({ mcpServers: { a: { url: 'http://x', allowedOrigins: [origin] } } }))).toThrow(/scheme:\/\/host\[:port\]/);
    },
  );
});
