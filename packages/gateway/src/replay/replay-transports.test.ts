import { Client as V2Client, StreamableHTTPClientTransport as V2Transport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startLegacyUpstream, type LegacyUpstream } from '../test-support/legacy-upstream.js';
import { startReplayUpstream, type ReplayUpstream } from '../test-support/replay-upstream.js';
import { startV2Upstream, type V2Upstream } from '../test-support/upstream-v2.js';
import type { MessageRecord, ReplayResult, VerifyReport } from '../types.js';

const STDIO_SERVER = fileURLToPath(new URL('../test-support/stdio-server.mjs', import.meta.url));

let gateway: TestGateway | undefined;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  for (const close of closers.splice(0)) await close();
});

const post = (g: TestGateway, path: string, body: unknown = {}) =>
  g.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const call = (g: TestGateway, tool: string): MessageRecord => {
  const found = g.messages().find((m) => m.kind === 'request' && m.method === 'tools/call' && m.origin === 'client' && JSON.parse(m.body).params.name === tool);
  if (!found) throw new Error(`no call of ${tool}`);
  return found;
};

describe('replay over every transport', () => {
  it('stdio: a new child process per replay, ended after it; sampling is refused', async () => {
    gateway = await startTestGateway({ local: { command: process.execPath, args: [STDIO_SERVER] } });
    const g = gateway;
    const client = new Client({ name: 'stdio-recorder', version: '1.0.0' }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', model: 'm', content: { type: 'text', text: 'hi' } }));
    const transport = new StreamableHTTPClientTransport(new URL(`${g.url}/s/local/mcp`));
    await client.connect(transport);
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { text: 'over stdio' } });
    await client.callTool({ name: 'sample', arguments: { prompt: 'p' } });
    // Children of this process (the gateway runs in it) that run the stdio server.
    const processes = async () =>
      execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n').filter((line) => line.includes('stdio-server.mjs')).length;
    const before = await processes();

    // The stdio test server's tools carry no annotations: they need the user's yes.
    expect((await post(g, `/messages/${call(g, 'echo').id}/replay`)).status).toBe(409);
    const echo = (await (await post(g, `/messages/${call(g, 'echo').id}/replay`, { confirm: true })).json()) as ReplayResult;
    expect(echo.diff).toEqual([]);
    expect(echo.session).not.toBe(transport.sessionId);
    expect(echo.request).toMatchObject({ origin: 'replay', replayOf: call(g, 'echo').id });
    const channelRows = g.messages().filter((m) => m.sessionId === echo.session);
    expect(channelRows.length).toBeGreaterThan(3);
    expect(channelRows.every((m) => m.origin === 'replay')).toBe(true);

    const sampled = (await (await post(g, `/messages/${call(g, 'sample').id}/replay`, { confirm: true })).json()) as ReplayResult;
    expect(sampled.refusedServerRequests.map((m) => m.method)).toEqual(['sampling/createMessage']);
    expect(sampled.response?.isError).toBe(true);
    // Each replay's process was stopped by its DELETE.
    for (let tries = 0; (await processes()) !== before && tries < 150; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await processes()).toBe(before);
    expect(before).toBe(1);
    await transport.terminateSession();
    await client.close();
  });

  it('legacy HTTP+SSE (bridged): same answer', async () => {
    const legacy: LegacyUpstream = await startLegacyUpstream();
    closers.push(() => legacy.close());
    gateway = await startTestGateway({ old: { url: legacy.url, type: 'sse' } });
    const client = new Client({ name: 'c', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/old/mcp`));
    await client.connect(transport);
    await client.callTool({ name: 'echo', arguments: { text: 'old' } });
    const result = (await (await post(gateway, `/messages/${call(gateway, 'echo').id}/replay`, { confirm: true })).json()) as ReplayResult;
    expect(result.diff).toEqual([]);
    expect(JSON.parse(result.response!.body).result.content[0].text).toBe('legacy old');
    await transport.terminateSession();
    await client.close();
  });

  it('the 2026-07-28 era: no initialize, the per-request headers, and verify', async () => {
    const v2: V2Upstream = await startV2Upstream({ legacy: 'reject' });
    closers.push(() => v2.close());
    gateway = await startTestGateway({ modern: { url: v2.url } });
    const client = new V2Client({ name: 'v2-client', version: '2.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new V2Transport(new URL(`${gateway.url}/s/modern/mcp`)));
    expect(client.getProtocolEra()).toBe('modern');
    await client.callTool({ name: 'echo', arguments: { text: 'now' } });
    await client.close();
    const original = call(gateway, 'echo');
    const seen = v2.requests.length;

    const result = (await (await post(gateway, `/messages/${original.id}/replay`, { confirm: true })).json()) as ReplayResult;
    expect(result.diff).toEqual([]);
    expect(result.session).toBeNull();
    const sent = v2.requests.slice(seen);
    expect(sent.map((r) => [r.method, r.headers['mcp-method'], r.headers['mcp-name'], r.headers['mcp-protocol-version']])).toEqual([['POST', 'tools/call', 'echo', '2026-07-28']]);

    const edited = (await (await post(gateway, `/messages/${original.id}/replay`, { confirm: true, params: { name: 'echo', arguments: { text: 'later' } } })).json()) as ReplayResult;
    expect(edited.diff).toEqual([{ path: '$.result.content[0].text', change: 'changed', before: 'now', after: 'later' }]);
    expect(JSON.parse(edited.request.body).params._meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
  });

  it('reports a 401 with why the original credentials are not there, and works with the ones in mcp.json', async () => {
    const up: ReplayUpstream = await startReplayUpstream({ requireAuth: 'Bearer right' });
    closers.push(() => up.close());
    gateway = await startTestGateway({ guarded: { url: up.url } });
    // The client brings its own credentials; the gateway passes them on but never stores them.
    const client = new Client({ name: 'c', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/guarded/mcp`), { requestInit: { headers: { authorization: 'Bearer right' } } });
    await client.connect(transport);
    await client.listTools();
    await client.callTool({ name: 'lookup', arguments: { key: 'k' } });
    const original = call(gateway, 'lookup');
    const refused = await post(gateway, `/messages/${original.id}/replay`);
    expect(refused.status).toBe(502);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream_unauthorized');
    expect(body.error.message).toMatch(/never stored.*--header "Authorization: Bearer <token>"/);
    await transport.terminateSession();
    await client.close();
  });

  it('verify runs a recorded stdio session in one new process', async () => {
    gateway = await startTestGateway({ local: { command: process.execPath, args: [STDIO_SERVER] } });
    const client = new Client({ name: 'c', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/local/mcp`));
    await client.connect(transport);
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { text: 'a' } });
    await client.callTool({ name: 'echo', arguments: { text: 'b' } });
    const session = transport.sessionId as string;
    await transport.terminateSession();
    await client.close();
    const report = (await (await post(gateway, `/sessions/${session}/verify`, { confirm: true })).json()) as VerifyReport;
    expect(report).toMatchObject({ same: 3, changed: 0, errors: 0, skipped: 0 });
    const sessions = new Set(gateway.messages().filter((m) => report.results.some((r) => r.replayId === m.id)).map((m) => m.sessionId));
    expect(sessions).toEqual(new Set([report.replaySession]));
  });
});
