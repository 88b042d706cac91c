import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { startUpstream, type Upstream } from '../test-support/upstream.js';

/** A JSON-RPC POST to the proxy; the upstream answers 400 (no session), an unknown name 404. */
async function probe(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  return { status: response.status, text: await response.text() };
}

describe('mcp-gateway start', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    await runCli(home, ['server', 'add', 'first', upstream.url, '--header', 'X-Api-Key: very-secret']);
    gateway = await startGatewayProcess(home);
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    cleanup?.();
  });

  it('prints the UI and API URLs and a table of proxy URLs with secrets masked', () => {
    const out = gateway.stdout();
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toMatch(new RegExp(`UI\\s+${gateway.url}/ui/#token=[\\w-]{43}\\n`));
    expect(out).toMatch(new RegExp(`API\\s+${gateway.url}/api  \\(send "Authorization: Bearer <token>"`));
    expect(out).toMatch(new RegExp(`first\\s+${gateway.url}/s/first/mcp\\s+→ ${upstream.url}`));
    expect(out).not.toContain('very-secret');
    expect(existsSync(join(home, 'gateway.json'))).toBe(true);
  });

  it('routes a server added while running within 1 s, and 404s it within 1 s of its removal', async () => {
    const proxyUrl = `${gateway.url}/s/late/mcp`;
    expect((await probe(proxyUrl)).status).toBe(404);

    const add = await runCli(home, ['server', 'add', 'late', upstream.url]);
    expect(add.code, add.stderr).toBe(0);
    // The printed URL is the running gateway's (its port comes from gateway.json), not 3333.
    expect(add.stdout).toContain(`Proxy URL: ${proxyUrl}`);
    await waitFor(async () => (await probe(proxyUrl)).status !== 404, 1000, 'the new server to be routable');
    await waitFor(async () => gateway.stdout().includes('server added: late'), 1000, 'the gateway to report the addition');

    const remove = await runCli(home, ['server', 'remove', 'late']);
    expect(remove.code, remove.stderr).toBe(0);
    await waitFor(
      async () => {
        const { status, text } = await probe(proxyUrl);
        return status === 404 && text.includes('Unknown server');
      },
      1000,
      'the removed server to 404',
    );
    await waitFor(async () => gateway.stdout().includes('server removed: late'), 1000, 'the gateway to report the removal');
  });

  it('refuses a second gateway on the same home (exit 2), also as a bare `mcp-gateway`', async () => {
    const second = await runCli(home, ['--port', '0']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`already running for ${home} at ${gateway.url}`);
  });

  it('reports a port in use in one line (exit 2)', async () => {
    const other = tempHome();
    try {
      const port = new URL(gateway.url).port;
      const result = await runCli(other.home, ['start', '--port', port]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`Port ${port}`);
      expect(result.stderr).toContain('--port');
    } finally {
      other.cleanup();
    }
  });

  it('exits 0 on SIGTERM after draining, and removes gateway.json', async () => {
    const code = await gateway.stop('SIGTERM');
    expect(code).toBe(0);
    expect(gateway.stdout()).toContain('draining…');
    expect(existsSync(join(home, 'gateway.json'))).toBe(false);
  });
});

describe('mcp-gateway start shutdown', () => {
  it('a second SIGINT exits at once, without waiting for in-flight requests to drain', async () => {
    const { home, cleanup } = tempHome();
    // An upstream that accepts requests and never answers keeps one request in flight.
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    let gateway: GatewayProcess | undefined;
    try {
      const { port } = hanging.address() as AddressInfo;
      await runCli(home, ['server', 'add', 'slow', `http://127.0.0.1:${port}/mcp`]);
      gateway = await startGatewayProcess(home);
      const received = new Promise((resolve) => hanging.once('request', resolve));
      const inFlight = probe(`${gateway.url}/s/slow/mcp`).catch(() => undefined);
      await received;

      const started = Date.now();
      gateway.child.kill('SIGINT');
      await waitFor(async () => gateway?.stdout().includes('draining…') ?? false, 2000, 'draining');
      gateway.child.kill('SIGINT');
      expect(await gateway.stop()).toBe(130);
      // The drain grace is 3 s; leaving at once is well under it.
      expect(Date.now() - started).toBeLessThan(2000);
      expect(existsSync(join(home, 'gateway.json'))).toBe(false);
      await inFlight;
    } finally {
      await gateway?.stop('SIGKILL');
      hanging.closeAllConnections();
      hanging.close();
      cleanup();
    }
  });
});

describe('mcp-gateway start failures', () => {
  it('a corrupt mcp.json exits 2 with one line naming the file', async () => {
    const { home, cleanup } = tempHome();
    try {
      const file = join(home, 'mcp.json');
      writeFileSync(file, '{ "mcpServers": { "a": ');
      const result = await runCli(home, ['start', '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toContain('not valid JSON');
      expect(existsSync(join(home, 'gateway.json'))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('a non-loopback --host exits 2', async () => {
    const { home, cleanup } = tempHome();
    try {
      const result = await runCli(home, ['start', '--port', '0', '--host', '0.0.0.0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--host 127.0.0.1');
    } finally {
      cleanup();
    }
  });
});
