// A browser-based MCP client on another local port (a developer's own app),
// running the SDK's Streamable HTTP client in Chromium through /s/<name>/mcp
// to an upstream that answers CORS itself. Without allowedOrigins the gateway
// refuses the page; with it the page works and is recorded; /api stays closed.
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { build } from 'esbuild';
import { startUpstream as startTestUpstream, type TestUpstream } from '../../packages/gateway/src/test-support/upstream.js';
import { E2E_DIR } from '../support/paths.js';
import { freePort, startGateway, type RunningGateway } from '../support/gateway.js';

let gateway: RunningGateway;
let upstream: TestUpstream;
let page: Server;
let pageOrigin: string;

// The SDK's browser client, bundled for the page: what a web app built with the SDK ships.
const CLIENT = `
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
window.runMcp = async (url) => {
  const client = new Client({ name: 'browser-page', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  const result = await client.callTool({ name: 'echo', arguments: { text: 'hello from the browser' } });
  await transport.terminateSession();
  await client.close();
  return result.content[0].text;
};
`;

base.beforeAll(async () => {
  const bundle = await build({ stdin: { contents: CLIENT, resolveDir: E2E_DIR, loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]?.text ?? '';
  const port = await freePort();
  pageOrigin = `http://127.0.0.1:${port}`;
  page = createServer((req, res) => {
    if (req.url === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>my app</title><h1>My app</h1><script type="module" src="/client.js"></script>');
  });
  await new Promise<void>((resolve) => page.listen(port, '127.0.0.1', resolve));
  upstream = await startTestUpstream({ name: 'cors-upstream', corsOrigins: [pageOrigin] });
  gateway = await startGateway();
  await writeFile(
    path.join(gateway.home, 'mcp.json'),
    JSON.stringify({ mcpServers: { closed: { url: upstream.url }, open: { url: upstream.url, allowedOrigins: [pageOrigin] } } }),
    { mode: 0o600 },
  );
  // The running gateway picks mcp.json up within a second.
  await expect.poll(async () => ((await (await fetch(`${gateway.url}/api/servers`, { headers: gateway.auth })).json()) as { servers: unknown[] }).servers.length).toBe(2);
});

base.afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await new Promise((resolve) => page?.close(resolve));
});

base('a page on another port is refused without allowedOrigins, works and is recorded with it, and never reaches /api', async ({ page: tab }) => {
  await tab.goto(pageOrigin);
  await tab.waitForFunction(() => typeof (window as unknown as { runMcp?: unknown }).runMcp === 'function');
  const run = (url: string) =>
    tab.evaluate(async (target) => {
      try {
        return { ok: true, text: await (window as unknown as { runMcp: (u: string) => Promise<string> }).runMcp(target) };
      } catch (error) {
        return { ok: false, text: String(error) };
      }
    }, url);

  const refused = await run(`${gateway.url}/s/closed/mcp`);
  expect(refused.ok).toBe(false);
  expect(upstream.requests.some((r) => r.headers.origin === pageOrigin && r.method === 'POST')).toBe(false);

  const allowed = await run(`${gateway.url}/s/open/mcp`);
  expect(allowed).toEqual({ ok: true, text: 'hello from the browser' });
  // The preflight went to the upstream, which answered it.
  expect(upstream.requests.some((r) => r.method === 'OPTIONS' && r.headers.origin === pageOrigin)).toBe(true);

  await expect
    .poll(async () => {
      const page = (await (await fetch(`${gateway.url}/api/messages?server=open&method=tools/call`, { headers: gateway.auth })).json()) as { messages: Array<{ kind: string }> };
      return page.messages.map((m) => m.kind).sort();
    })
    .toEqual(['request', 'response']);

  // /api from that origin: refused before the token is even looked at, and the page can read nothing.
  const api = await tab.evaluate(async ([base, token]) => {
    try {
      const response = await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${token}` } });
      return `read ${response.status}`;
    } catch (error) {
      return String(error);
    }
  }, [gateway.url, gateway.token] as const);
  expect(api).toMatch(/TypeError/);
  const direct = await fetch(`${gateway.url}/api/health`, { headers: { ...gateway.auth, origin: pageOrigin } });
  expect(direct.status).toBe(403);

  // Refused origins are counted in the audit log.
  await expect
    .poll(async () => {
      const audit = (await (await fetch(`${gateway.url}/api/audit?event=request.refused`, { headers: gateway.auth })).json()) as { entries: Array<{ subject: string | null }> };
      return audit.entries.some((e) => e.subject === 'origin');
    })
    .toBe(true);
});
