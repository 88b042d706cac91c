import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ExportLine } from '@mcp-gateway/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { startUpstream, type Upstream } from '../test-support/upstream.js';

function parseLines(stdout: string): ExportLine[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ExportLine);
}

/** One MCP session through the gateway: initialize, tools/list, tools/call. */
async function echoThrough(proxyUrl: string, text: string): Promise<void> {
  const client = new Client({ name: 'cli-test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(proxyUrl));
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo']);
    const result = await client.callTool({ name: 'echo', arguments: { text } });
    expect(result.content).toEqual([{ type: 'text', text }]);
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
}

describe('logs export and clear', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;
  let gateway: GatewayProcess;
  let proxyUrl: string;

  /** Exports (filtered to the test server), waiting for the gateway's writer to flush what `until` needs. */
  async function exported(until: (lines: ExportLine[]) => boolean = () => true): Promise<ExportLine[]> {
    let lines: ExportLine[] = [];
    await waitFor(
      async () => {
        const result = await runCli(home, ['logs', 'export', '--server', 'echo']);
        expect(result.code, result.stderr).toBe(0);
        lines = parseLines(result.stdout);
        return until(lines);
      },
      5000,
      'the messages to be exported',
    );
    return lines;
  }

  const answered = (method: string) => (lines: ExportLine[]) => lines.some((l) => l.kind === 'response' && l.method === method);

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    gateway = await startGatewayProcess(home);
    const add = await runCli(home, ['server', 'add', 'echo', upstream.url]);
    expect(add.code, add.stderr).toBe(0);
    proxyUrl = `${gateway.url}/s/echo/mcp`;
    await waitFor(
      async () => {
        const body = (await (await fetch(`${gateway.url}/api/servers`, { headers: gateway.auth })).json()) as { servers: { name: string }[] };
        return body.servers.some((s) => s.name === 'echo');
      },
      2000,
      'the gateway to load the server',
    );
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    cleanup?.();
  });

  it('exports nothing, successfully, before anything was recorded', async () => {
    const { home: empty, cleanup: done } = tempHome();
    try {
      const result = await runCli(empty, ['logs', 'export']);
      expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      done();
    }
  });

  it('exports an SDK session as JSONL, oldest first, with requests and responses paired', async () => {
    await echoThrough(proxyUrl, 'hello through the gateway');
    const lines = await exported(answered('tools/call'));

    const ids = lines.map((l) => l.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(lines.map((l) => l.server))).toEqual(new Set(['echo']));
    expect(lines.some((l) => l.kind === 'notification' && l.method === 'notifications/initialized')).toBe(true);

    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const method of ['initialize', 'tools/list', 'tools/call']) {
      const request = lines.find((l) => l.kind === 'request' && l.method === method);
      expect(request, method).toMatchObject({ direction: 'client_to_server', durationMs: null });
      const response = byId.get(request?.pairedId ?? -1);
      expect(response, method).toMatchObject({
        kind: 'response',
        method,
        direction: 'server_to_client',
        pairedId: request?.id,
        jsonrpcId: request?.jsonrpcId,
      });
      expect(response?.durationMs).toBeTypeOf('number');
      expect(response?.durationMs).toBeGreaterThanOrEqual(0);
    }
    const call = lines.find((l) => l.kind === 'response' && l.method === 'tools/call');
    expect(call?.message).toMatchObject({ result: { content: [{ type: 'text', text: 'hello through the gateway' }] } });
  });

  it('--out writes the same lines to a file created 0600', async () => {
    const fromStdout = await runCli(home, ['logs', 'export', '--server', 'echo']);
    const file = join(home, 'export.jsonl');
    const result = await runCli(home, ['logs', 'export', '--server', 'echo', '--out', file, '--format', 'jsonl']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Exported \d+ messages to /);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(fromStdout.stdout);
  });

  it('stops quietly when the reader closes the pipe early (| head)', async () => {
    // Large enough to overflow the pipe buffer, so the CLI is still writing when the reader leaves.
    await echoThrough(proxyUrl, 'x'.repeat(300_000));
    await exported((lines) => lines.filter((l) => l.kind === 'response' && l.method === 'tools/call').length >= 2);

    const child = spawn(process.execPath, [CLI, '--home', home, 'logs', 'export'], {
      env: { ...process.env, MCP_GATEWAY_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('clear goes through the running gateway and empties the export', async () => {
    const before = await exported();
    expect(before.length).toBeGreaterThan(0);
    const result = await runCli(home, ['logs', 'clear', '--server', 'echo']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Removed ${before.length} messages of server "echo" (through the gateway at ${gateway.url}).\n`);
    expect(await exported()).toEqual([]);
  });

  it('after the gateway stops, export and clear use the database directly', async () => {
    await echoThrough(proxyUrl, 'recorded before shutdown');
    expect(await gateway.stop('SIGTERM')).toBe(0);

    // Nothing queued in the gateway's writer was lost on shutdown.
    const lines = await exported();
    expect(lines.some((l) => l.kind === 'response' && l.method === 'tools/call')).toBe(true);

    const result = await runCli(home, ['logs', 'clear']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Removed ${lines.length} messages.\n`);
    expect(await exported()).toEqual([]);
  });
});
