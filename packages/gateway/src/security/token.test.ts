import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../server.js';
import { eventually, startTestGateway, tempHome, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';
import { GatewayToken } from './gateway-token.js';
import { tokensEqual } from './token.js';

let gateway: TestGateway;
let upstream: RawUpstream;
const seen: Array<Record<string, string | string[] | undefined>> = [];

beforeAll(async () => {
  upstream = await startRawUpstream((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
  });
  gateway = await startTestGateway({
    open: { url: upstream.url },
    guarded: { url: upstream.url, requireToken: true, headers: { Authorization: 'Bearer upstream-credential-1234' } },
  });
});

afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

const api = (path: string, headers: Record<string, string> = {}) => request(`${gateway.url}/api${path}`, { headers });

describe('the API token', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token-at-all' }],
    ['a token in the wrong scheme', { authorization: `Basic ${Buffer.from('x').toString('base64')}` }],
  ])('refuses reads and writes with %s: 401, the error shape, no data', async (_label, headers) => {
    for (const [method, path] of [['GET', '/health'], ['GET', '/messages'], ['GET', '/servers'], ['DELETE', '/messages'], ['GET', '/openapi.json']] as const) {
      const response = await request(`${gateway.url}/api${path}`, { method, headers });
      expect(response.statusCode, `${method} ${path}`).toBe(401);
      const body = (await response.body.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      // The message names the file the token is kept in.
      expect(body.error.message).toContain(join(gateway.home, 'token'));
    }
    expect(gateway.logs.some((l) => l.startsWith('refused an API request'))).toBe(true);
  });

  it('accepts the token as Authorization: Bearer or X-MCP-Gateway-Token', async () => {
    const ways: Array<Record<string, string>> = [{ authorization: `Bearer ${gateway.token}` }, { 'x-mcp-gateway-token': gateway.token }];
    for (const headers of ways) {
      const response = await api('/health', headers);
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    }
  });

  it('is written 0600 to <home>/token for the CLI', () => {
    const file = join(gateway.home, 'token');
    expect(readFileSync(file, 'utf8').trim()).toBe(gateway.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is 256 random bits, created once and kept; MCP_GATEWAY_TOKEN wins and then nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-token-'));
    try {
      const file = join(dir, 'token');
      const first = GatewayToken.load({ file, env: {} });
      expect(Buffer.from(first.value, 'base64url')).toHaveLength(32);
      expect(GatewayToken.load({ file, env: {} }).value).toBe(first.value);
      writeFileSync(file, 'not a token!\n');
      expect(GatewayToken.load({ file, env: {} }).value).not.toBe(first.value);
      const kept = readFileSync(file, 'utf8');
      const configured = GatewayToken.load({ file, env: { MCP_GATEWAY_TOKEN: 'a-configured-token-of-some-length' } });
      expect(configured).toMatchObject({ value: 'a-configured-token-of-some-length', fromEnvironment: true });
      expect(() => configured.rotate()).toThrow(/MCP_GATEWAY_TOKEN/);
      expect(readFileSync(file, 'utf8')).toBe(kept);
      expect(() => GatewayToken.load({ file, env: { MCP_GATEWAY_TOKEN: 'short' } })).toThrow(/at least 16/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
  });

  it('survives a restart, and a rotation takes effect at once and is audited', async () => {
    const home = tempHome();
    const first = await startGateway({ home, port: 0, log: () => undefined });
    const before = first.token;
    await first.close();
    const second = await startGateway({ home, port: 0, log: () => undefined });
    try {
      expect(second.token).toBe(before);
      const rotate = await fetch(`${second.url}/api/token/rotate`, { method: 'POST', headers: { authorization: `Bearer ${before}` } });
      const { token } = (await rotate.json()) as { token: string };
      expect(token).not.toBe(before);
      expect(readFileSync(join(home, 'token'), 'utf8').trim()).toBe(token);
      const old = await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${before}` } });
      expect(old.status).toBe(401);
      const audit = await fetch(`${second.url}/api/audit?event=token.rotated`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await audit.json()) as { entries: unknown[] }).entries).toHaveLength(1);
    } finally {
      await second.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('is not needed for the UI page itself, which holds no data', async () => {
    const response = await request(`${gateway.url}/ui/`);
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });
});

describe('servers with "requireToken": true', () => {
  const call = (name: string, headers: Record<string, string>) =>
    request(`${gateway.url}/s/${name}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });

  it('answer 401 without the token and forward nothing', async () => {
    const before = seen.length;
    const response = await call('guarded', {});
    expect(response.statusCode).toBe(401);
    expect(((await response.body.json()) as { error: { message: string } }).error.message).toContain('requires the gateway token');
    expect(seen.length).toBe(before);
    // Counted like refused API calls: in the log (and the audit log), never with the header value.
    await eventually(() => gateway.logs.some((l) => l.includes('server guarded')));
  });

  it('accept the token in X-MCP-Gateway-Token or Authorization, and never forward it', async () => {
    const ways: Array<Record<string, string>> = [{ 'x-mcp-gateway-token': gateway.token }, { authorization: `Bearer ${gateway.token}` }];
    for (const headers of ways) {
      const response = await call('guarded', headers);
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      const forwarded = seen.at(-1);
      expect(forwarded?.['x-mcp-gateway-token']).toBeUndefined();
      // The upstream gets its own configured credential, never the gateway token.
      expect(forwarded?.authorization).toBe('Bearer upstream-credential-1234');
    }
  });

  it('leave other servers open to MCP clients', async () => {
    const response = await call('open', {});
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });
});

describe('binding beyond loopback', () => {
  it('is allowed with MCP_GATEWAY_TOKEN, and the API still demands it', async () => {
    const home = tempHome();
    const wide = await startGateway({ home, host: '0.0.0.0', port: 0, token: 'a-long-configured-token-0123456789', log: () => undefined });
    try {
      // Talk to it over loopback only; the bind is what is under test.
      const url = `http://127.0.0.1:${wide.port}/api/health`;
      expect((await request(url)).statusCode).toBe(401);
      const ok = await request(url, { headers: { authorization: 'Bearer a-long-configured-token-0123456789' } });
      expect(ok.statusCode).toBe(200);
      await ok.body.dump();
    } finally {
      await wide.close();
    }
  });
});
