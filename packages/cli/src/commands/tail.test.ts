import { spawn } from 'node:child_process';
import type { ExportLine } from '@mcp-gateway/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { callEcho, startUpstream, type Upstream } from '../test-support/upstream.js';

const ids = (stdout: string): number[] => stdout.trim().split('\n').filter(Boolean).map((line) => Number(/#(\d+)$/.exec(line)?.[1]));

describe('logs tail', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;
  let gateway: GatewayProcess;
  let proxyUrl: string;

  async function exported(): Promise<ExportLine[]> {
    const result = await runCli(home, ['logs', 'export']);
    return result.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportLine);
  }

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    gateway = await startGatewayProcess(home);
    expect((await runCli(home, ['server', 'add', 'echo', upstream.url])).code).toBe(0);
    proxyUrl = `${gateway.url}/s/echo/mcp`;
    await waitFor(async () => (await fetch(`${gateway.url}/api/servers/echo`, { headers: gateway.auth })).ok, 2000, 'the gateway to load the server');
    await callEcho(proxyUrl, 'first call');
    await waitFor(async () => (await exported()).some((l) => l.kind === 'response' && l.method === 'tools/call'), 5000, 'the call to be stored');
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    cleanup?.();
  });

  it('prints the last messages, oldest first, one summary line each', async () => {
    const all = await exported();
    const result = await runCli(home, ['logs', 'tail', '-n', '3']);
    expect(result.code, result.stderr).toBe(0);
    expect(ids(result.stdout)).toEqual(all.slice(-3).map((l) => l.id));
    const call = all.find((l) => l.kind === 'response' && l.method === 'tools/call') as ExportLine;
    const line = (await runCli(home, ['logs', 'tail', '-n', '1000'])).stdout.split('\n').find((l) => l.endsWith(`#${call.id}`));
    expect(line).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}  echo +← {2}response +tools\/call +id=\d+ {2}\d+\.\d ms {2}HTTP 200 {2}\d+ B {2}#\d+$/);
  });

  it('--json prints the messages whole, as export lines', async () => {
    const all = await exported();
    const result = await runCli(home, ['logs', 'tail', '--json', '-n', '2', '--server', 'echo']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').map((l) => JSON.parse(l) as ExportLine)).toEqual(all.slice(-2));
  });

  it('--follow prints each new message once, as the gateway records it', async () => {
    const before = (await exported()).at(-1)?.id ?? 0;
    const child = spawn(process.execPath, [CLI, '--home', home, 'logs', 'tail', '--follow', '-n', '1', '--server', 'echo'], {
      env: { ...process.env, MCP_GATEWAY_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      await waitFor(async () => ids(stdout).length >= 1, 5000, 'the last message');
      await callEcho(proxyUrl, 'followed call');
      const all = await exported();
      const expected = all.filter((l) => l.id >= before).map((l) => l.id);
      await waitFor(async () => ids(stdout).length >= expected.length, 5000, `the new messages (got ${stdout}${stderr})`);
      expect(ids(stdout)).toEqual(expected);
      expect(stdout).toContain('tools/call');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('reads the database without a gateway, and says --follow needs one', async () => {
    const all = await exported();
    await gateway.stop('SIGTERM');
    const result = await runCli(home, ['logs', 'tail', '-n', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(ids(result.stdout)).toEqual(all.slice(-2).map((l) => l.id));
    const follow = await runCli(home, ['logs', 'tail', '--follow']);
    expect(follow.code).toBe(1);
    expect(follow.stderr).toMatch(/^error: no gateway is running for .*; --follow shows messages as a running gateway records them/);
    const bad = await runCli(home, ['logs', 'tail', '-n', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Use an integer from 0 to 1000');
  });
});
