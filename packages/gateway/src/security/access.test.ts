import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { putServer } from '../registry/registry.js';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { join } from 'node:path';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.stop();
});

// fetch() will not let a caller set Host; undici.request will.
const get = (path: string, headers: Record<string, string>) => request(`${gateway.url}${path}`, { headers: { ...gateway.auth, ...headers } });

describe('Host and Origin checks on every route', () => {
  it.each(['/api/health', '/ui/', '/s/x/mcp', '/nowhere'])('refuses a foreign Host on %s (DNS rebinding)', async (path) => {
    const response = await get(path, { host: `evil.example:${gateway.port}` });
    expect(response.statusCode).toBe(403);
    expect(await response.body.text()).toContain('is not this gateway');
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])('accepts the loopback name %s with the bound port', async (name) => {
    const response = await get('/api/health', { host: `${name}:${gateway.port}` });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it('refuses a loopback name with another port', async () => {
    const response = await get('/api/health', { host: `127.0.0.1:${gateway.port + 1}` });
    expect(response.statusCode).toBe(403);
    await response.body.dump();
  });

  it.each(['http://evil.example', `http://localhost:${3}`, 'null', `https://127.0.0.1:PORT`])('refuses the browser Origin %s', async (origin) => {
    const response = await get('/api/health', { origin: origin.replace('PORT', String(gateway.port)) });
    expect(response.statusCode).toBe(403);
    await response.body.dump();
  });

  it('answers MCP clients with a JSON-RPC error on /s/*', async () => {
    const response = await get('/s/x/mcp', { origin: 'http://evil.example' });
    expect(response.statusCode).toBe(403);
    const body = (await response.body.json()) as { jsonrpc: string; error: { code: number } };
    expect(body.jsonrpc).toBe('2.0');
    expect(body.error.code).toBe(-32000);
  });

  it('accepts its own origin and requests without one', async () => {
    const variants: Array<Record<string, string>> = [{ origin: `http://127.0.0.1:${gateway.port}` }, { origin: `http://localhost:${gateway.port}` }, {}];
    for (const headers of variants) {
      const response = await get('/api/health', headers);
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    }
  });
});

describe('live registry', () => {
  it('routes a server added while running within a second, and stops routing it once removed', async () => {
    const file = join(gateway.home, 'mcp.json');
    const unknown = async () => {
      const response = await fetch(`${gateway.url}/s/late/mcp`, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
      await response.body?.cancel();
      return response.status === 404;
    };
    expect(await unknown()).toBe(true);
    await putServer(file, 'late', { url: 'http://127.0.0.1:9/mcp' }, { replace: false });
    const added = Date.now();
    while (await unknown()) {
      expect(Date.now() - added).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
});

describe('security headers', () => {
  it('are on everything the gateway makes itself: API, UI, errors, and its own answers under /s/', async () => {
    for (const path of ['/api/health', '/ui/', '/nowhere', '/s/unknown/mcp']) {
      const response = await fetch(`${gateway.url}${path}`, { headers: gateway.auth });
      await response.body?.cancel();
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
    const api = await gateway.api('/health');
    expect(api.headers.get('cache-control')).toBe('no-store');
  });

  it('are on the 403 of a refused Host too', async () => {
    const response = await get('/api/health', { host: 'evil.example' });
    await response.body.dump();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
