import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, waitFor, type CliResult } from '../test-support/cli.js';

// The gateway package's SDK stdio server: echo, progress, sampling, and a log sent with no request in flight.
const STDIO_SERVER = fileURLToPath(new URL('../../../gateway/src/test-support/stdio-server.mjs', import.meta.url));

let root: string;
let userHome: string;
let gatewayHome: string;
let port: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: chosen } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return chosen;
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-gateway-connect-'));
  userHome = join(root, 'home');
  gatewayHome = join(root, 'gateway');
  mkdirSync(userHome);
  port = await freePort();
});

afterEach(async () => {
  await cli('stop');
  rmSync(root, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<CliResult> {
  return runCli(gatewayHome, args, { HOME: userHome, XDG_CONFIG_HOME: '' });
}

function runtime(): { pid: number; url: string } | null {
  const file = join(gatewayHome, 'gateway.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number; url: string }) : null;
}

async function api<T>(path: string): Promise<T> {
  const token = readFileSync(join(gatewayHome, 'token'), 'utf8').trim();
  const response = await fetch(`${runtime()?.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

describe('mcp-gateway connect', () => {
  it('a rewritten Claude Desktop entry, launched by the SDK stdio client, reaches the upstream through a gateway it starts, and is recorded', async () => {
    const config = join(userHome, '.config', 'Claude', 'claude_desktop_config.json');
    mkdirSync(join(userHome, '.config', 'Claude'), { recursive: true });
    writeFileSync(config, JSON.stringify({ mcpServers: { tools: { command: process.execPath, args: [STDIO_SERVER], env: { TEST_SECRET: 'from-claude-desktop' } } } }, null, 2));
    const imported = await cli('import', 'claude-desktop', '--apply', '--rewrite', '--port', String(port));
    expect(imported.code, imported.stderr).toBe(0);
    const entry = (JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: { tools: { command: string; args: string[]; env?: unknown } } }).mcpServers.tools;
    expect(entry).toEqual({ command: process.execPath, args: [CLI, '--home', gatewayHome, 'connect', 'tools', '--port', String(port)] });
    expect(runtime()).toBeNull();

    // As Claude Desktop would: the entry's command, with a bare environment.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { HOME: userHome, PATH: process.env.PATH ?? '' }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' }, { capabilities: { sampling: {} } });
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(String(n.params.data)));
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', model: 'stand-in', content: { type: 'text', text: 'pong' } }));
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe('stdio-test');
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'through the bridge' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'through the bridge' }]);
      // Progress and a log on the POST's SSE answer; a server-initiated request answered through stdin.
      // Every message the bridge wrote, as the transport read it (the SDK's onprogress may fold some).
      const received: Array<{ method?: string; params?: { progress?: number } }> = [];
      const deliver = transport.onmessage;
      transport.onmessage = (message) => {
        received.push(message as (typeof received)[number]);
        deliver?.(message);
      };
      await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, { onprogress: () => undefined });
      expect(received.filter((m) => m.method === 'notifications/progress').map((m) => m.params?.progress)).toEqual([1, 2, 3]);
      const sampled = await client.callTool({ name: 'sample', arguments: { prompt: 'ping' } });
      expect(sampled.content).toEqual([{ type: 'text', text: 'sampled: pong' }]);
      // A log with no request in flight comes on the GET stream.
      await client.callTool({ name: 'log_later', arguments: {} });
      await waitFor(async () => logs.includes('logged later'), 5000, 'the GET stream message');
      // The env moved into mcp.json: the gateway started the server with it.
      const env = JSON.parse(((await client.callTool({ name: 'env', arguments: {} })).content as Array<{ text: string }>)[0]?.text ?? '{}') as Record<string, string>;
      expect(env.TEST_SECRET).toBe('from-claude-desktop');
    } finally {
      await client.close();
    }

    expect(stderr).toContain('started a gateway');
    const gateway = runtime();
    expect(gateway?.url).toBe(`http://127.0.0.1:${port}`);
    const page = await api<{ messages: Array<{ method: string | null; direction: string; kind: string }> }>('/messages?server=tools&limit=200');
    const calls = page.messages.filter((m) => m.method === 'tools/call' && m.kind === 'request');
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(page.messages.some((m) => m.method === 'sampling/createMessage' && m.direction === 'server_to_client')).toBe(true);
    // stdin closed: the bridge ended its session with DELETE; the gateway it started keeps running.
    await waitFor(async () => (await api<{ messages: Array<{ method: string | null }> }>('/messages?server=tools&limit=5')).messages.length > 0, 2000, 'records');
    expect(await api<{ version: string }>('/health')).toMatchObject({ version: expect.any(String) });

    const stopped = await cli('stop');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`Stopped the gateway at http://127.0.0.1:${port}`);
    expect(runtime()).toBeNull();
  });

  it('uses a gateway that already runs, on its own port', async () => {
    expect((await cli('server', 'add', 'tools', '--', process.execPath, STDIO_SERVER)).code).toBe(0);
    const other = await freePort();
    const { spawn } = await import('node:child_process');
    const started = spawn(process.execPath, [CLI, '--home', gatewayHome, 'start', '--port', String(other)], { stdio: 'ignore', env: { ...process.env, HOME: userHome } });
    try {
      await waitFor(async () => runtime()?.url === `http://127.0.0.1:${other}`, 10_000, 'the gateway');
      const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, '--home', gatewayHome, 'connect', 'tools', '--port', String(port)], stderr: 'pipe' });
      const client = new Client({ name: 'c', version: '1' });
      await client.connect(transport);
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
      await client.close();
    } finally {
      started.kill('SIGTERM');
      await new Promise((resolve) => started.once('exit', resolve));
    }
  });

  it('an unknown server: one line on stderr, nothing on stdout, exit 2, no gateway started', async () => {
    const result = await cli('connect', 'nope', '--port', String(port));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no server named "nope"');
    expect(runtime()).toBeNull();
  });

  it('stop with no gateway running says so and exits 0', async () => {
    const result = await cli('stop');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No gateway is running');
  });
});
