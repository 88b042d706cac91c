import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive } from '../../home/runtime.js';
import { parseExport } from '../../store/import.js';
import { toExportLine } from '../../store/queries.js';
import { eventually, startTestGateway, type TestGateway } from '../../test-support/gateway.js';

const SERVER = fileURLToPath(new URL('../../test-support/stdio-server.mjs', import.meta.url));
const stdioEntry = (env: Record<string, string> = {}) => ({ command: process.execPath, args: [SERVER], env });

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function connect(url: string) {
  const client = new Client({ name: 'stdio-test-client', version: '1.0.0' }, { capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
    role: 'assistant',
    model: 'test-model',
    content: { type: 'text', text: `answer to ${String((request.params.messages[0]?.content as { text?: string }).text)}` },
  }));
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

const text = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

describe('stdio upstreams exposed as Streamable HTTP', () => {
  it('carries calls, progress, logs and sampling to the right HTTP streams, and records them paired', async () => {
    gateway = await startTestGateway({ local: stdioEntry() });
    const { client, transport } = await connect(`${gateway.url}/s/local/mcp`);
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'over stdio' } }))).toBe('over stdio');

    const progress: number[] = [];
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.data));
    await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([1, 2, 3]);
    await eventually(() => logs.length === 1);

    expect(text(await client.callTool({ name: 'sample', arguments: { prompt: 'ping?' } }))).toBe('sampled: answer to ping?');

    const sessionId = transport.sessionId;
    await transport.terminateSession();
    await client.close();

    const rows = gateway.messages();
    const sampling = rows.find((r) => r.method === 'sampling/createMessage' && r.kind === 'request');
    expect(sampling).toMatchObject({ direction: 'server_to_client', sessionId });
    const answer = rows.find((r) => r.id === sampling?.pairedId);
    expect(answer).toMatchObject({ direction: 'client_to_server', kind: 'response', pairedId: sampling?.id, method: 'sampling/createMessage' });
    const progressRows = rows.filter((r) => r.method === 'notifications/progress');
    expect(progressRows).toHaveLength(3);
    const call = rows.find((r) => r.kind === 'request' && r.body.includes('"progress"'));
    for (const p of progressRows) expect(p.relatedId).toBe(call?.id);
    for (const request of rows.filter((r) => r.kind === 'request')) expect(request.pairedId, request.method ?? '').not.toBeNull();
    expect(new Set(rows.map((r) => r.sessionId))).toEqual(new Set([sessionId]));
  });

  it('records what the process sends while no HTTP stream is open without an HTTP status, so its export imports again', async () => {
    gateway = await startTestGateway({ local: stdioEntry() });
    const url = `${gateway.url}/s/local/mcp`;
    // A client that never opens the GET stream, so a message sent between calls travels on no HTTP answer.
    const post = async (body: unknown, session?: string): Promise<Response> => {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      if (session) headers['mcp-session-id'] = session;
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      await response.text();
      return response;
    };
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const session = init.headers.get('mcp-session-id') ?? undefined;
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'log_later', arguments: {} } }, session);
    const later = await eventually(() => gateway?.messages().find((r) => r.body.includes('logged later')));
    // No HTTP between the gateway and a stdio process: it used to be recorded as status 0,
    // which `logs import` (100-599) refused for the whole file.
    expect(later).toMatchObject({ direction: 'server_to_client', method: 'notifications/message', httpStatus: null });
    const rows = gateway.messages();
    expect(parseExport(rows.map((r) => JSON.stringify(toExportLine(r))).join('\n')).errors).toEqual([]);
  });

  it('stops the process on DELETE and keeps its stderr, redacted, per session', async () => {
    process.env.MCP_GATEWAY_TEST_SECRET = 'expanded-secret-value-42';
    gateway = await startTestGateway({ local: stdioEntry({ TEST_SECRET: '${env:MCP_GATEWAY_TEST_SECRET}' }) });
    const { client, transport } = await connect(`${gateway.url}/s/local/mcp`);
    const env = JSON.parse(text(await client.callTool({ name: 'env', arguments: {} }))) as Record<string, string>;
    expect(env.TEST_SECRET).toBe('expanded-secret-value-42');
    expect(env.PATH).toBeDefined();
    expect(env.MCP_GATEWAY_TEST_SECRET).toBeUndefined(); // not on the allow-list
    const sessionId = transport.sessionId;
    await transport.terminateSession();
    await client.close();
    const lines = await eventually(() => gateway!.stderr().length > 0 && gateway!.stderr());
    expect(lines[0]?.line).toMatch(/^stdio-test starting, pid \d+, secret \[REDACTED:known-value\]$/);
    expect(lines[0]?.server).toBe('local');
    expect([sessionId, null]).toContain(lines[0]?.session_id);
    const pid = Number(/pid (\d+)/.exec(lines[0]?.line ?? '')?.[1]);
    await eventually(() => !processAlive(pid), 5000);
    // The same lines through the API, as the UI and `mcp-gateway server logs` read them.
    const api = (await (await gateway.api('/servers/local/stderr')).json()) as { lines: Array<{ line: string }> };
    expect(api.lines[0]?.line).toBe(lines[0]?.line);
    expect(JSON.stringify(gateway.messages())).not.toContain('expanded-secret-value-42');
  });

  it('ends the session cleanly when the process crashes: the client gets 404 and the crash is visible', async () => {
    gateway = await startTestGateway({ local: stdioEntry() });
    const { client, transport } = await connect(`${gateway.url}/s/local/mcp`);
    await expect(client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/stdio server "local" exited with code 3 before answering/);
    const sessionId = transport.sessionId ?? '';
    const response = await fetch(`${gateway.url}/s/local/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
      body: '{"jsonrpc":"2.0","id":99,"method":"tools/list"}',
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32001);
    await eventually(() => gateway!.stderr().some((l) => l.line === '[mcp-gateway] process exited with code 3'));
    expect(gateway.logs.some((l) => l.includes('exited with code 3'))).toBe(true);
    const channel = gateway.exchanges().find((e) => e.method === 'STDIO');
    expect(channel?.error).toBe('process exited with code 3');
    // A new initialize starts a fresh process.
    const again = await connect(`${gateway.url}/s/local/mcp`);
    expect(text(await again.client.callTool({ name: 'echo', arguments: { text: 'back' } }))).toBe('back');
    await again.client.close();
    await client.close().catch(() => undefined);
  });

  it('records stray stdout as invalid instead of losing it', async () => {
    gateway = await startTestGateway({ local: stdioEntry() });
    const { client } = await connect(`${gateway.url}/s/local/mcp`);
    expect(text(await client.callTool({ name: 'pollute', arguments: {} }))).toBe('polluted');
    await client.close();
    const stray = gateway.messages().find((r) => r.kind === 'invalid');
    expect(stray).toMatchObject({ body: 'this is not JSON-RPC', stream: 'stdio', direction: 'server_to_client' });
  });

  it('names the command and the cause when it cannot start', async () => {
    gateway = await startTestGateway({ broken: { command: 'definitely-not-a-command-4711', args: [] } });
    const response = await fetch(`${gateway.url}/s/broken/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}',
    });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { id: number; error: { message: string } };
    expect(body.id).toBe(1);
    expect(body.error.message).toContain('definitely-not-a-command-4711');
    expect(body.error.message).toContain('command not found');
  });

  it('says which variable is missing for ${env:NAME}', async () => {
    gateway = await startTestGateway({ local: stdioEntry({ X: '${env:MCP_GATEWAY_SURELY_UNSET}' }) });
    await expect(connect(`${gateway.url}/s/local/mcp`)).rejects.toThrow(/MCP_GATEWAY_SURELY_UNSET is not set/);
  });

  it('stops every process when the gateway shuts down', async () => {
    gateway = await startTestGateway({ local: stdioEntry() });
    const pids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { client } = await connect(`${gateway.url}/s/local/mcp`);
      await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    }
    const lines = await eventually(() => gateway!.stderr().filter((l) => l.line.startsWith('stdio-test starting')).length === 2 && gateway!.stderr());
    for (const line of lines) pids.push(Number(/pid (\d+)/.exec(line.line)?.[1]));
    expect(pids.every((pid) => processAlive(pid))).toBe(true);
    await gateway.stop();
    gateway = undefined;
    expect(pids.some((pid) => processAlive(pid))).toBe(false);
  });

  it('stops idle processes', async () => {
    gateway = await startTestGateway({ local: stdioEntry() }, undefined, { stdioIdleMs: 300 });
    const { client, transport } = await connect(`${gateway.url}/s/local/mcp`);
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    // The SDK client keeps a GET stream open, which counts as activity: close the client, keep the session.
    await transport.close();
    const pid = Number(/pid (\d+)/.exec((await eventually(() => gateway!.stderr()[0]))?.line ?? '')?.[1]);
    await eventually(() => !processAlive(pid), 5000);
  });
});
