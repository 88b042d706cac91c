import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startReplayUpstream, type ReplayUpstream } from '../test-support/replay-upstream.js';

const run = promisify(execFile);
const STDIO_SERVER = fileURLToPath(new URL('../test-support/stdio-server.mjs', import.meta.url));
const INSPECTOR_DIR = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/inspector-cli/build', import.meta.url));

let gateway: TestGateway | undefined;
let upstream: ReplayUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

async function agent(g: TestGateway): Promise<Client> {
  const client = new Client({ name: 'agent', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${g.url}/gateway/mcp`), { requestInit: { headers: g.auth } }));
  return client;
}

async function traffic(g: TestGateway, name: string): Promise<Client> {
  const client = new Client({ name: 'app', version: '2.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${g.url}/s/${name}/mcp`)));
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
const structured = <T>(result: CallToolResult): T => result.structuredContent as T;

describe('/gateway/mcp', () => {
  it('needs the token (401 naming the token file) and refuses a foreign Origin (403)', async () => {
    gateway = await startTestGateway({});
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const anonymous = await fetch(`${gateway.url}/gateway/mcp`, { method: 'POST', headers, body });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { message: string } }).error.message).toContain(join(gateway.home, 'token'));
    const foreign = await fetch(`${gateway.url}/gateway/mcp`, { method: 'POST', headers: { ...headers, ...gateway.auth, origin: 'http://localhost:5173' }, body });
    expect(foreign.status).toBe(403);
    const signed = await fetch(`${gateway.url}/gateway/mcp`, { method: 'POST', headers: { ...headers, ...gateway.auth }, body });
    expect(signed.status).toBe(200);
  });

  it('lists tools with input and output schemas and annotations, resources and the prompt', async () => {
    gateway = await startTestGateway({});
    const client = await agent(gateway);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['add_server', 'explain_error', 'get_message', 'get_session', 'get_stats', 'list_servers', 'list_sessions', 'remove_server', 'replay_message', 'search_messages', 'verify_session'].sort(),
    );
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations, tool.name).toBeDefined();
    }
    const readers = ['search_messages', 'get_message', 'list_sessions', 'get_session', 'get_stats', 'list_servers', 'explain_error'];
    expect(tools.filter((t) => t.annotations?.readOnlyHint === true).map((t) => t.name).sort()).toEqual(readers.sort());
    expect(tools.find((t) => t.name === 'replay_message')?.annotations?.destructiveHint).toBe(true);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['gateway://servers']);
    expect((await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual(['gateway://messages/{id}', 'gateway://sessions/{id}']);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['debug-latest-error']);
    await client.close();
  });

  it('finds what a real upstream produced: search_messages, get_message with a budget, sessions, stats, resources', async () => {
    upstream = await startReplayUpstream();
    gateway = await startTestGateway({ up: { url: upstream.url } });
    const app = await traffic(gateway, 'up');
    await app.callTool({ name: 'lookup', arguments: { key: 'k1' } });
    await app.callTool({ name: 'store', arguments: { value: 'x'.repeat(50_000) } });
    const client = await agent(gateway);

    const found = structured<{ messages: Array<{ id: number; target: string; kind: string }> }>(await call(client, 'search_messages', { query: 'tool:lookup kind:request' }));
    expect(found.messages.map((m) => [m.target, m.kind])).toEqual([['lookup', 'request']]);
    const none = structured<{ messages: unknown[]; warnings: string[] }>(await call(client, 'search_messages', { query: 'kind:bogus' }));
    expect(none.warnings[0]).toMatch(/kind:bogus is not a kind/);
    const excluded = structured<{ messages: Array<{ kind: string }> }>(await call(client, 'search_messages', { query: '-kind:request -kind:notification', server: 'up' }));
    expect(excluded.messages.length).toBeGreaterThan(0);
    expect(excluded.messages.every((m) => m.kind !== 'request' && m.kind !== 'notification')).toBe(true);

    const store = structured<{ messages: Array<{ id: number }> }>(await call(client, 'search_messages', { query: 'tool:store' })).messages[0]!;
    const detail = await call(client, 'get_message', { id: store.id, maxBytes: 4096 });
    const shown = structured<{ message: { body: string; bodySize: number; bodyCut: boolean }; pair: { body: string } }>(detail);
    expect(shown.message.bodyCut).toBe(true);
    expect(shown.message.bodySize).toBeGreaterThan(50_000);
    expect(shown.message.body).toMatch(/cut by mcp-gateway: \d+ of \d+ bytes shown/);
    expect(JSON.stringify(detail.structuredContent).length).toBeLessThan(4096 + 2048);
    expect(shown.pair.body).toContain('stored');

    const { sessions } = structured<{ sessions: Array<{ sessionId: string }> }>(await call(client, 'list_sessions', {}));
    expect(sessions).toHaveLength(1);
    const timeline = structured<{ calls: Array<{ method: string; target: string | null; status: string }> }>(await call(client, 'get_session', { id: sessions[0]!.sessionId }));
    expect(timeline.calls.map((c) => [c.method, c.target, c.status])).toEqual([
      ['initialize', null, 'ok'],
      ['tools/call', 'lookup', 'ok'],
      ['tools/call', 'store', 'ok'],
    ]);
    const stats = structured<{ rows: Array<{ method: string; count: number; errorRate: number }> }>(await call(client, 'get_stats', { server: 'up' }));
    expect(stats.rows.find((r) => r.method === 'tools/call')).toMatchObject({ count: 4, errorRate: 0 });
    const servers = await client.readResource({ uri: 'gateway://servers' });
    expect(JSON.parse((servers.contents[0] as { text: string }).text).servers[0].name).toBe('up');
    const message = await client.readResource({ uri: `gateway://messages/${store.id}` });
    expect(JSON.parse((message.contents[0] as { text: string }).text).message.bodyCut).toBe(true);
    // Bad arguments are tool errors that say what to change, never protocol errors.
    const bad = await call(client, 'get_message', { id: 'seven' });
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toMatch(/id must be a message id/);
    const missing = await call(client, 'get_message', { id: 999_999 });
    expect(missing.isError).toBe(true);
    expect((missing.content[0] as { text: string }).text).toMatch(/no message with id 999999.*search_messages/);
    await app.close();
    await client.close();
    // Not recorded by default: the agent's own calls do not fill the log.
    expect(gateway.messages().some((m) => m.server === 'gateway')).toBe(false);
  });

  it('explains a refused connection, a -32602, an isError result and a crashed stdio server', async () => {
    upstream = await startReplayUpstream();
    gateway = await startTestGateway({ up: { url: upstream.url }, gone: { url: 'http://127.0.0.1:9/mcp' }, local: { command: process.execPath, args: [STDIO_SERVER] } });
    const client = await agent(gateway);
    const explain = async (id?: number) => structured<{ category: string; summary: string; nextSteps: string[]; schemaProblems: Array<{ path: string }>; stderr: string[]; recentCalls: unknown[] }>(await call(client, 'explain_error', id === undefined ? {} : { id }));

    expect((await call(client, 'explain_error')).isError).toBe(true);
    await traffic(gateway, 'gone').catch(() => undefined);
    const refused = await explain();
    expect(refused.category).toBe('transport');
    expect(refused.summary).toMatch(/unreachable/);
    expect(refused.nextSteps[0]).toMatch(/Nothing listens at the server's URL/);

    const app = await traffic(gateway, 'up');
    await app.listTools();
    await app.callTool({ name: 'lookup', arguments: { key: 42 } });
    const invalid = await explain();
    expect(invalid.category).toBe('protocol');
    expect(invalid.summary).toMatch(/-32602/);
    expect(invalid.schemaProblems.map((p) => p.path)).toEqual(['$.arguments.key']);

    await app.callTool({ name: 'ask', arguments: {} }); // elicitation with no handler: the tool reports isError
    const tool = await explain();
    expect(tool.category).toBe('tool');

    const local = await traffic(gateway, 'local');
    await local.callTool({ name: 'crash', arguments: {} }).catch(() => undefined);
    const crashed = await explain();
    expect(crashed.category).toBe('transport');
    expect(crashed.summary).toMatch(/stdio server "local" stopped/);
    expect(crashed.stderr.some((l) => l.includes('about to crash'))).toBe(true);
    const prompt = await client.getPrompt({ name: 'debug-latest-error' });
    expect((prompt.messages[0]?.content as { text: string }).text).toMatch(/TRANSPORT failure/);
    await app.close();
    await client.close();
  });

  it('adds an HTTP server, refuses a command, removes; replays and verifies with the same safety rules', async () => {
    upstream = await startReplayUpstream();
    gateway = await startTestGateway({});
    const client = await agent(gateway);
    const refused = await call(client, 'add_server', { name: 'evil', url: 'http://127.0.0.1:1/mcp', command: 'sh', args: ['-c', 'id'] });
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toMatch(/command, args are refused/);
    expect((await call(client, 'add_server', { name: 'evil', url: 'file:///etc/passwd' })).isError).toBe(true);
    const added = await call(client, 'add_server', { name: 'up', url: upstream.url, headers: { 'X-Team': 'a' } });
    expect(structured<{ server: { proxyUrl: string } }>(added).server.proxyUrl).toBe(`${gateway.url}/s/up/mcp`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const app = await traffic(gateway, 'up');
    await app.listTools();
    await app.callTool({ name: 'store', arguments: { value: 'v' } });
    const storeCall = gateway.messages().find((m) => m.method === 'tools/call' && m.kind === 'request')!;
    const unconfirmed = await call(client, 'replay_message', { id: storeCall.id });
    expect(unconfirmed.isError).toBe(true);
    expect((unconfirmed.content[0] as { text: string }).text).toMatch(/Ask the user, then call again with confirm: true/);
    expect(upstream.stored).toEqual(['v']);
    const confirmed = await call(client, 'replay_message', { id: storeCall.id, confirm: true });
    expect(structured<{ diff: unknown[] }>(confirmed).diff).toEqual([]);
    expect(upstream.stored).toEqual(['v', 'v']);
    const session = gateway.messages().find((m) => m.origin === 'client' && m.sessionId !== null)!.sessionId!;
    const report = structured<{ same: number; skipped: number }>(await call(client, 'verify_session', { id: session }));
    expect(report).toMatchObject({ same: 1, skipped: 1 });
    expect((await call(client, 'remove_server', { name: 'up' })).isError).toBeFalsy();
    await app.close();
    await client.close();
  });

  it('records its own traffic under "gateway" with "recordGatewayMcp": true', async () => {
    gateway = await startTestGateway({});
    writeFileSync(join(gateway.home, 'mcp.json'), JSON.stringify({ mcpServers: {}, recordGatewayMcp: true }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const client = await agent(gateway);
    await call(client, 'list_servers');
    await client.close();
    const rows = gateway.messages().filter((m) => m.server === 'gateway');
    expect(rows.some((m) => m.method === 'tools/call' && m.kind === 'request')).toBe(true);
    expect(rows.some((m) => m.method === 'tools/call' && m.kind === 'response')).toBe(true);
  });

  it('works with the MCP Inspector CLI', async () => {
    gateway = await startTestGateway({});
    const options = { cwd: INSPECTOR_DIR, timeout: 30_000 };
    const url = `${gateway.url}/gateway/mcp`;
    const header = `Authorization: Bearer ${gateway.token}`;
    const listed = await run(process.execPath, ['index.js', url, '--transport', 'http', '--header', header, '--method', 'tools/list'], options);
    expect((JSON.parse(listed.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toContain('explain_error');
    const called = await run(process.execPath, ['index.js', url, '--transport', 'http', '--header', header, '--method', 'tools/call', '--tool-name', 'list_servers'], options);
    expect(called.stdout).toContain('No server is registered');
  });
});
