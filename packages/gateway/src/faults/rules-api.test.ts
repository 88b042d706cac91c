// The rules as a user manages them (API, mcp.json by hand) and the effects
// the client-behaviour tests leave out: breakpoints, hang, reset, drop,
// answers replaced after the upstream ran, a stdio server, the audit log.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import type { AuditRecord } from '../store/audit.js';
import type { BreakpointView, FaultView, MessageRecord } from '../types.js';
import { startFaultUpstream, type FaultUpstream } from './test-upstream.js';

const STDIO_SERVER = fileURLToPath(new URL('../test-support/stdio-server.mjs', import.meta.url));

let upstream: FaultUpstream;
let gateway: TestGateway;
const clients: Client[] = [];

async function connect(server = 'up'): Promise<Client> {
  const client = new Client({ name: 'fault-api-test', version: '0.0.1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/${server}/mcp`)));
  clients.push(client);
  return client;
}

async function post(path: string, body?: unknown): Promise<Response> {
  return gateway.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function addRule(rule: Record<string, unknown>): Promise<FaultView> {
  const response = await post('/faults', rule);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as FaultView;
}

async function nextBreakpoint(): Promise<BreakpointView> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const { breakpoints } = (await (await gateway.api('/breakpoints')).json()) as { breakpoints: BreakpointView[] };
    if (breakpoints[0]) return breakpoints[0];
    if (Date.now() > deadline) throw new Error('no breakpoint held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rows = (): MessageRecord[] => gateway.messages();
const audit = async (): Promise<AuditRecord[]> => ((await (await gateway.api('/audit?limit=200')).json()) as { entries: AuditRecord[] }).entries;

beforeAll(async () => {
  upstream = await startFaultUpstream();
  gateway = await startTestGateway({ up: { url: upstream.url }, local: { command: process.execPath, args: [STDIO_SERVER] } });
});

afterEach(async () => {
  await gateway.api('/faults', { method: 'DELETE' });
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
});

afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

describe('managing rules', () => {
  it('refuses a rule that could never fire, naming the field and why', async () => {
    const bad = await post('/faults', { server: 'up', action: { type: 'http', status: 503 }, match: { direction: 'server_to_client' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/match\.direction: an "http" answer replaces the upstream call/);
    const unknown = await post('/faults', { server: 'up', action: { type: 'explode' } });
    expect(unknown.status).toBe(400);
    const missing = await gateway.api('/faults/f-none', { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });

  it('keeps rules in mcp.json (ttlSeconds as expiresAt, no counters), lists them, and audits every change', async () => {
    const rule = await addRule({ id: 'slow-echo', server: 'up', match: { tool: 'echo' }, action: { type: 'delay', ms: 10 }, ttlSeconds: 3600 });
    expect(rule).toMatchObject({ id: 'slow-echo', fired: 0, active: true });
    const file = JSON.parse(readFileSync(join(gateway.home, 'mcp.json'), 'utf8')) as { faults: Array<Record<string, unknown>> };
    expect(file.faults).toEqual([{ id: 'slow-echo', server: 'up', match: { tool: 'echo' }, action: { type: 'delay', ms: 10 }, expiresAt: rule.expiresAt }]);
    expect((await post('/faults', { id: 'slow-echo', server: 'up', action: { type: 'hang' } })).status).toBe(409);
    const health = (await (await gateway.api('/health')).json()) as { faults: FaultView[] };
    expect(health.faults.map((f) => f.id)).toEqual(['slow-echo']);
    expect((await gateway.api('/faults/slow-echo', { method: 'DELETE' })).status).toBe(200);
    const entries = await audit();
    expect(entries.find((e) => e.event === 'fault.added' && e.subject === 'slow-echo')).toMatchObject({ source: 'api', detail: { action: 'delay', tool: 'echo', server: 'up' } });
    expect(entries.find((e) => e.event === 'fault.removed' && e.subject === 'slow-echo')).toMatchObject({ source: 'api' });
  });

  it('takes rules written into mcp.json by hand, live, and audits them as the gateway saw them', async () => {
    const file = join(gateway.home, 'mcp.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...config, faults: [{ server: 'up', match: { tool: 'echo' }, action: { type: 'error', message: 'by hand' } }] }));
    const client = await connect();
    await eventually(() => gateway.registry.settings().faults.length === 1);
    await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toThrow(/by hand/);
    const added = (await audit()).find((e) => e.event === 'fault.added' && e.source === 'gateway');
    expect(added?.subject).toMatch(/^f-[0-9a-f]{8}$/);
  });
});

describe('breakpoints', () => {
  it('holds a request until it is continued with an edited message, which is what the upstream gets', async () => {
    const client = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'pause', onlyNext: true } });
    const call = client.callTool({ name: 'echo', arguments: { text: 'original' } });
    const breakpoint = await nextBreakpoint();
    expect(breakpoint).toMatchObject({ ruleId: rule.id, server: 'up', direction: 'client_to_server', message: { method: 'tools/call', params: { arguments: { text: 'original' } } } });
    const message = breakpoint.message as { params: { arguments: { text: string } } };
    message.params.arguments.text = 'edited';
    expect((await post(`/breakpoints/${breakpoint.id}/continue`, { message })).status).toBe(200);
    expect((await call).content).toEqual([{ type: 'text', text: 'edited' }]);
    const edited = rows().find((m) => m.injected === rule.id);
    expect(edited).toMatchObject({ direction: 'client_to_server', kind: 'request', method: 'tools/call' });
    const original = rows().find((m) => m.id === edited?.relatedId);
    expect(original?.body).toContain('original');
    // Both the client's request and the edited one it became have the answer the client got.
    const answer = rows().find((m) => m.id === edited?.pairedId);
    expect(answer).toMatchObject({ kind: 'response', direction: 'server_to_client' });
    expect(original?.pairedId).toBe(answer?.id);
    // onlyNext: the next call is not held.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'free' } })).content).toEqual([{ type: 'text', text: 'free' }]);
    expect((await audit()).find((e) => e.event === 'breakpoint.resolved')).toMatchObject({ subject: rule.id, detail: { outcome: 'edited' } });
  });

  it('holds an answer; abort gives the client an error; an unanswered one continues after its timeout', async () => {
    const client = await connect();
    await addRule({ server: 'up', match: { tool: 'echo', direction: 'server_to_client' }, action: { type: 'pause', timeoutMs: 300 } });
    const aborted = client.callTool({ name: 'echo', arguments: { text: 'a' } }).catch((e: unknown) => e);
    const breakpoint = await nextBreakpoint();
    expect(breakpoint).toMatchObject({ direction: 'server_to_client', message: { result: { content: [{ type: 'text', text: 'a' }] } } });
    expect((await post(`/breakpoints/${breakpoint.id}/abort`, { code: -32099, message: 'stopped by hand' })).status).toBe(200);
    const error = (await aborted) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32099);
    const started = Date.now();
    expect((await client.callTool({ name: 'echo', arguments: { text: 'b' } })).content).toEqual([{ type: 'text', text: 'b' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await post(`/breakpoints/${breakpoint.id}/continue`)).status).toBe(404);
  });
});

describe('effects', () => {
  it('hang: nothing comes back until the client gives up', async () => {
    const client = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'hang' } });
    const error = (await client.callTool({ name: 'echo', arguments: { text: 'x' } }, undefined, { timeout: 300 }).catch((e: unknown) => e)) as McpError;
    expect(error.code).toBe(ErrorCode.RequestTimeout);
    expect(upstream.requests.some((r) => r.body.includes('"text":"x"'))).toBe(false);
    await eventually(() => rows().some((m) => m.injected === rule.id && m.method === 'gateway/fault'));
  });

  it('reset: the connection is dropped after the upstream ran', async () => {
    const client = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'reset' } });
    await expect(client.callTool({ name: 'echo', arguments: { text: 'reset-me' } })).rejects.toThrow();
    expect(upstream.requests.some((r) => r.body.includes('reset-me'))).toBe(true);
    const note = await eventually(() => rows().find((m) => m.injected === rule.id));
    expect(JSON.parse(note.body).params.action).toBe('reset');
  });

  it('drop: a progress notification is lost, the answer still arrives', async () => {
    const client = await connect();
    const rule = await addRule({ server: 'up', match: { method: 'notifications/progress' }, action: { type: 'drop' }, times: 1 });
    const progress: number[] = [];
    const result = await client.callTool({ name: 'steps', arguments: { steps: 3, stepMs: 5 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'done in 3 steps' }]);
    expect(progress).toEqual([2, 3]);
    const note = rows().find((m) => m.injected === rule.id);
    expect(JSON.parse(rows().find((m) => m.id === note?.relatedId)?.body ?? '{}').params.progress).toBe(1);
  });

  it('toolError on the answer: the upstream ran, the client gets isError, the request pairs with it', async () => {
    const client = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo', direction: 'server_to_client' }, action: { type: 'toolError', text: 'after the fact' } });
    const result = await client.callTool({ name: 'echo', arguments: { text: 'ran' } });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'after the fact' }] });
    const delivered = rows().find((m) => m.injected === rule.id);
    expect(delivered).toMatchObject({ isError: true, method: 'tools/call' });
    expect(rows().find((m) => m.id === delivered?.relatedId)?.body).toContain('"text":"ran"');
  });

  it('acts on a stdio server too (bridged)', async () => {
    const client = await connect('local');
    const rule = await addRule({ server: 'local', match: { tool: 'echo' }, action: { type: 'rewrite', patch: [{ op: 'replace', path: '/result/content/0/text', value: 'rewritten' }] } });
    expect((await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).content).toEqual([{ type: 'text', text: 'rewritten' }]);
    expect(rows().filter((m) => m.injected === rule.id)).toHaveLength(1);
  });

  it('leaves other servers and, once cleared, all traffic untouched', async () => {
    await addRule({ server: 'local', action: { type: 'error' } });
    const client = await connect();
    expect((await client.callTool({ name: 'echo', arguments: { text: 'ok' } })).content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(((await (await gateway.api('/faults', { method: 'DELETE' })).json()) as { removed: number }).removed).toBe(1);
    expect((await audit()).find((e) => e.event === 'faults.cleared')).toMatchObject({ source: 'api', detail: { removed: 1 } });
  });
});
