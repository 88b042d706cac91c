import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventStream } from '../publish/event-reader.js';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import { apiErrorSchema, serverHealthSchema, serverListSchema, serverViewSchema } from './response-schemas.js';
import { api, conforms } from './test-support/traffic.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('servers API', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;
  const registry = () => JSON.parse(readFileSync(join(gateway.home, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    upstream = await startUpstream();
    gateway = await startTestGateway({ keep: { url: upstream.url, disabled: false } });
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
  });

  it('adds, reads, replaces and removes servers in mcp.json, keeping keys it does not know', async () => {
    const added = conforms(
      serverViewSchema,
      await api(gateway, '/servers', { ...json({ name: 'gh', url: upstream.url, headers: { Authorization: 'Bearer ghp_secret123456' } }), expect: 201 }),
    );
    expect(added).toEqual({ name: 'gh', type: 'http', url: upstream.url, headers: { Authorization: '********' }, proxyUrl: `${gateway.url}/s/gh/mcp` });
    // Visible at once, without waiting for the file watcher.
    expect(conforms(serverListSchema, await api(gateway, '/servers')).servers.map((s) => s.name)).toEqual(['keep', 'gh']);
    expect(await api(gateway, '/servers/gh')).toEqual(added);

    // A GET view edited and PUT back keeps the masked secret.
    const replaced = await api(gateway, '/servers/gh', json({ url: `${upstream.url}?v=2`, headers: { Authorization: '********', 'X-Extra': 'yes' } }, 'PUT'));
    expect(conforms(serverViewSchema, replaced).headers).toEqual({ Authorization: '********', 'X-Extra': '********' });
    expect(registry().mcpServers.gh).toEqual({ url: `${upstream.url}?v=2`, headers: { Authorization: 'Bearer ghp_secret123456', 'X-Extra': 'yes' } });
    expect(registry().mcpServers.keep).toEqual({ url: upstream.url, disabled: false });

    await api(gateway, '/servers/files', { ...json({ command: 'npx', args: ['-y', 'server'], env: { TOKEN: 'x' }, cwd: '/tmp' }, 'PUT'), expect: 201 });
    expect(await api(gateway, '/servers/gh', { method: 'DELETE' })).toEqual({ removed: 'gh' });
    expect(Object.keys(registry().mcpServers)).toEqual(['keep', 'files']);
    await api(gateway, '/servers/gh', { expect: 404 });
  });

  it('validates like the CLI and says what is wrong', async () => {
    const error = async (path: string, init: RequestInit, status: number) => conforms(apiErrorSchema, await api(gateway, path, { ...init, expect: status })).error;
    expect(await error('/servers', json({ name: 'keep', url: upstream.url }), 409)).toEqual({
      code: 'conflict',
      message: 'server "keep" already exists; remove it first or choose another name',
    });
    expect((await error('/servers', json({ name: 'bad name', url: upstream.url }), 400)).message).toMatch(/^invalid server name "bad name"/);
    expect((await error('/servers', json({ name: 'x', url: 'ftp://host' }), 400)).message).toMatch(/url must be an absolute http/);
    expect((await error('/servers', json({ name: 'x' }), 400)).message).toMatch(/needs "url"/);
    expect((await error('/servers', json({ name: 'x', url: upstream.url, headers: { 'Bad Header': 'v' } }), 400)).message).toMatch(/header/);
    expect((await error('/servers', json({ name: 'x', command: 'ls', cwd: 'relative/dir' }), 400)).message).toBe('cwd must be an absolute path (got "relative/dir")');
    expect((await error('/servers', json({ url: upstream.url }), 400)).message).toMatch(/^name is required/);
    expect((await error('/servers', { method: 'POST', body: '{not json' }, 400)).message).toMatch(/^the body must be JSON/);
    expect((await error('/servers/nope', { method: 'DELETE' }, 404)).message).toMatch(/^no server named "nope"/);
  });

  it('checks health with the configured headers, caches it, and publishes changes', async () => {
    const events = await gateway.api('/events');
    const reader = readEventStream(events.body as ReadableStream<Uint8Array>);
    await api(gateway, '/servers/auth', { ...json({ url: upstream.url, headers: { 'X-Probe': 'probe-value' } }, 'PUT'), expect: 201 });
    const before = upstream.requests.length;
    const up = conforms(serverHealthSchema, await api(gateway, '/servers/auth/health'));
    expect(up).toMatchObject({ server: 'auth', type: 'http', status: 'up', lastError: null });
    expect(up.httpStatus).toBeGreaterThanOrEqual(200);
    expect(up.latencyMs).toBeGreaterThan(0);
    expect(upstream.requests.length).toBe(before + 1);
    expect(upstream.requests[before]?.headers['x-probe']).toBe('probe-value');
    // Within 30 s the same answer comes back without asking the upstream again, also for concurrent callers.
    const again = await Promise.all([api(gateway, '/servers/auth/health'), api(gateway, '/servers/auth/health')]);
    expect(again).toEqual([up, up]);
    expect(upstream.requests.length).toBe(before + 1);

    // A server nothing listens for is down, with the reason.
    await api(gateway, '/servers/gone', { ...json({ url: `http://127.0.0.1:${await closedPort()}/mcp` }, 'PUT'), expect: 201 });
    const down = conforms(serverHealthSchema, await api(gateway, '/servers/gone/health'));
    expect(down).toMatchObject({ status: 'down', latencyMs: null, httpStatus: null });
    expect(down.lastError).toMatch(/ECONNREFUSED/);
    expect(conforms(serverHealthSchema, await api(gateway, '/servers/files/health'))).toMatchObject({ type: 'stdio', status: 'not-running' });
    await api(gateway, '/servers/nope/health', { expect: 404 });

    const seen: string[] = [];
    for await (const event of reader) {
      if (event.event !== 'health' || event.data === null) continue;
      const data = JSON.parse(event.data) as { scope: string; health: { server: string; status: string } };
      seen.push(`${data.health.server}:${data.health.status}`);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['auth:up', 'gone:down', 'files:not-running']);
  });
});
