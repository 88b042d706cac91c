import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { startOtlpReceiver, type OtlpReceiverView } from '../test-support/gateway-helpers.js';
import { callEcho, startUpstream, type Upstream } from '../test-support/upstream.js';

describe('logs export --format otlp [--to URL]', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;
  let gateway: GatewayProcess;
  let receiver: OtlpReceiverView;

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    receiver = await startOtlpReceiver();
    gateway = await startGatewayProcess(home);
    expect((await runCli(home, ['server', 'add', 'echo', upstream.url])).code).toBe(0);
    await waitFor(async () => (await fetch(`${gateway.url}/api/servers/echo`, { headers: gateway.auth })).ok, 2000, 'the gateway to load the server');
    await callEcho(`${gateway.url}/s/echo/mcp`, 'traced later');
    await waitFor(async () => (await runCli(home, ['logs', 'export'])).stdout.includes('"traced later"'), 5000, 'the call to be stored');
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    await receiver?.close();
    cleanup?.();
  });

  it('writes OTLP JSON traces, one export request per line, with the conventions\' span names', async () => {
    const result = await runCli(home, ['logs', 'export', '--format', 'otlp', '--server', 'echo']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const spans = lines.flatMap((l) => (JSON.parse(l) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; kind: number; attributes: Array<{ key: string }> }> }> }> }).resourceSpans)
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['initialize', 'tools/call echo']));
    expect(spans.every((s) => s.kind === 3)).toBe(true);
    const file = join(home, 'traces.jsonl');
    const out = await runCli(home, ['logs', 'export', '--format', 'otlp', '--out', file]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/Exported \d+ spans as OTLP JSON/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(result.stdout);
  });

  it('posts them to a collector that accepts them', async () => {
    const result = await runCli(home, ['logs', 'export', '--format', 'otlp', '--to', receiver.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`to ${receiver.url}/v1/traces`);
    expect(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json'))).toBe(true);
    const call = receiver.spans.find((s) => s.name === 'tools/call echo');
    expect(call?.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'echo', 'mcp_gateway.server.name': 'echo', 'network.transport': 'tcp' });
  });

  it('says what is wrong: a collector that refuses, --to without otlp, a URL that is not one', async () => {
    receiver.mode = 'refuse';
    const refused = await runCli(home, ['logs', 'export', '--format', 'otlp', '--to', receiver.url]);
    receiver.mode = 'ok';
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/answered 500/);
    const wrongFormat = await runCli(home, ['logs', 'export', '--to', receiver.url]);
    expect(wrongFormat.code).toBe(2);
    expect(wrongFormat.stderr).toContain('use it with --format otlp');
    const notUrl = await runCli(home, ['logs', 'export', '--format', 'otlp', '--to', 'collector:4318']);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain("collector's base URL");
  });
});
