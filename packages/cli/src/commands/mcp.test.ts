import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, startGatewayProcess, tempHome } from '../test-support/cli.js';
import { startUpstream, type Upstream } from '../test-support/upstream.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('mcp-gateway mcp', () => {
  it('serves the gateway tools over stdio, starting a gateway in the background when none runs', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const upstream: Upstream = await startUpstream({ replayTools: { suffix: '' } });
    cleanups.push(() => upstream.close());
    expect((await runCli(home, ['server', 'add', 'up', upstream.url])).code).toBe(0);
    const port = await freePort();
    cleanups.push(async () => void (await runCli(home, ['stop'])));

    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, '--home', home, 'mcp', '--port', String(port)], env: { PATH: process.env.PATH ?? '', HOME: home }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const agent = new Client({ name: 'agent', version: '1' });
    await agent.connect(transport);
    expect(stderr).toMatch(/started a gateway for .* in the background/);
    expect((await agent.listTools()).tools.map((t) => t.name)).toContain('explain_error');

    const app = new Client({ name: 'app', version: '1' });
    await app.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/s/up/mcp`)));
    await app.callTool({ name: 'broken', arguments: {} });
    await app.close();

    const found = (await agent.callTool({ name: 'search_messages', arguments: { query: 'tool:broken' } })) as CallToolResult;
    expect((found.structuredContent as { messages: unknown[] }).messages).toHaveLength(1);
    const why = (await agent.callTool({ name: 'explain_error', arguments: {} })) as CallToolResult;
    expect((why.structuredContent as { category: string }).category).toBe('tool');
    // A rotation does not break the connected client: the token is read per call.
    expect((await runCli(home, ['token', '--rotate'])).code).toBe(0);
    expect(((await agent.callTool({ name: 'list_servers', arguments: {} })) as CallToolResult).isError).toBeFalsy();
    await agent.close();
  }, 30_000);
});

describe('mcp-gateway token', () => {
  it('prints the same token across restarts, and --rotate replaces it at once', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const first = await startGatewayProcess(home);
    const before = (await runCli(home, ['token'])).stdout.trim();
    expect(before).toBe(readFileSync(join(home, 'token'), 'utf8').trim());
    await first.stop();
    const second = await startGatewayProcess(home);
    cleanups.push(async () => void (await second.stop()));
    expect((await runCli(home, ['token'])).stdout.trim()).toBe(before);
    expect((await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${before}` } })).status).toBe(200);

    const rotated = await runCli(home, ['token', '--rotate']);
    expect(rotated.code).toBe(0);
    const after = rotated.stdout.trim();
    expect(after).not.toBe(before);
    expect((await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${before}` } })).status).toBe(401);
    expect((await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${after}` } })).status).toBe(200);
    const audit = await runCli(home, ['audit', '--json']);
    expect(audit.stdout, audit.stderr).toContain('token.rotated');
  }, 30_000);

  it('with MCP_GATEWAY_TOKEN: prints it, refuses --rotate (exit 2), and the gateway writes no token file', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const env = { MCP_GATEWAY_TOKEN: 'a-token-from-the-environment-1234' };
    expect((await runCli(home, ['token'], env)).stdout.trim()).toBe(env.MCP_GATEWAY_TOKEN);
    const refused = await runCli(home, ['token', '--rotate'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/comes from MCP_GATEWAY_TOKEN/);
    expect(existsSync(join(home, 'token'))).toBe(false);
    const offline = await runCli(home, ['token', '--rotate']);
    expect(offline.code).toBe(0);
    expect(readFileSync(join(home, 'token'), 'utf8').trim()).toBe(offline.stdout.trim());
  });
});
