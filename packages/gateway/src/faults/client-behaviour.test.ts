// Proof of issue 16: fault rules as a real SDK client meets them, through a
// real gateway in front of a real SDK upstream (with an event store), and
// what the recording says about each.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import type { FaultView, MessageRecord } from '../types.js';
import { startFaultUpstream, type FaultUpstream } from './test-upstream.js';

let upstream: FaultUpstream;
let gateway: TestGateway;
const clients: Client[] = [];

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'fault-test', version: '0.0.1' });
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`), {
    reconnectionOptions: { initialReconnectionDelay: 20, maxReconnectionDelay: 100, reconnectionDelayGrowFactor: 1.5, maxRetries: 3 },
  });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

async function addRule(rule: Record<string, unknown>): Promise<FaultView> {
  const response = await gateway.api('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as FaultView;
}

const injectedBy = (id: string): MessageRecord[] => gateway.messages().filter((m) => m.injected === id);

beforeAll(async () => {
  upstream = await startFaultUpstream();
  gateway = await startTestGateway({ up: { url: upstream.url } });
});

afterEach(async () => {
  await gateway.api('/faults', { method: 'DELETE' });
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
});

afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

describe('fault rules, as the SDK client meets them', () => {
  it('a delay longer than the client\'s timeout gives the client\'s own timeout error', async () => {
    const { client } = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'delay', ms: 800 } });
    const started = Date.now();
    const error = await client.callTool({ name: 'echo', arguments: { text: 'late' } }, undefined, { timeout: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.RequestTimeout);
    expect(Date.now() - started).toBeLessThan(700);
    // Other tools are untouched.
    expect((await client.callTool({ name: 'steps', arguments: { steps: 1, stepMs: 0 } })).content).toEqual([{ type: 'text', text: 'done in 1 steps' }]);
    const [note] = await eventually(() => (injectedBy(rule.id).length > 0 ? injectedBy(rule.id) : undefined));
    expect(note?.method).toBe('gateway/fault');
    expect(JSON.parse(note?.body ?? '{}').params).toEqual({ rule: rule.id, action: 'delay', on: 'request', ms: 800 });
    const request = gateway.messages().find((m) => m.id === note?.relatedId);
    expect(request?.method).toBe('tools/call');
  });

  it('a 404 on the session makes the client start a new one (as the spec says it must)', async () => {
    const { client, transport } = await connect();
    const first = transport.sessionId;
    const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
    const rule = await addRule({ server: 'up', match: { method: 'tools/list' }, action: { type: 'http', status: 404, body }, times: 1 });
    const error = await client.listTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(404);
    // The client does what a 404 on its session calls for: initialize again, without the old id.
    await client.close();
    const again = await connect();
    expect(again.transport.sessionId).toBeDefined();
    expect(again.transport.sessionId).not.toBe(first);
    expect(upstream.sessions).toContain(again.transport.sessionId);
    expect((await again.client.listTools()).tools.map((t) => t.name)).toContain('echo');
    const [answer] = injectedBy(rule.id);
    expect(answer).toMatchObject({ direction: 'server_to_client', kind: 'error', httpStatus: 404, stream: 'gateway', method: 'tools/list' });
  });

  it('a cut SSE stream with event ids is resumed with Last-Event-ID, and nothing is lost', async () => {
    const { client } = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'steps' }, action: { type: 'cut', afterEvents: 2 } });
    const progress: number[] = [];
    const result = await client.callTool({ name: 'steps', arguments: { steps: 6, stepMs: 20 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'done in 6 steps' }]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    const resumed = upstream.requests.filter((r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined);
    expect(resumed.length).toBeGreaterThan(0);
    const rows = gateway.messages();
    const [note] = rows.filter((m) => m.injected === rule.id);
    expect(JSON.parse(note?.body ?? '{}').params).toMatchObject({ rule: rule.id, action: 'cut', afterEvents: 2 });
    // Every progress notification recorded once: two on the cut POST stream, the rest replayed on the resumed GET stream.
    const recorded = rows.filter((m) => m.method === 'notifications/progress' && m.relatedId === note?.relatedId);
    expect(recorded.map((m) => JSON.parse(m.body).params.progress)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(recorded.filter((m) => m.stream === 'get-sse').length).toBe(4);
  });

  it('a 429 with Retry-After is recorded as such', async () => {
    const { client } = await connect();
    const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Too Many Requests' } });
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'http', status: 429, headers: { 'Retry-After': '7' }, body }, times: 1 });
    const error = await client.callTool({ name: 'echo', arguments: { text: 'x' } }).catch((e: unknown) => e);
    expect((error as StreamableHTTPError).code).toBe(429);
    const [answer] = injectedBy(rule.id);
    expect(answer).toMatchObject({ httpStatus: 429, kind: 'error', direction: 'server_to_client' });
    const exchange = gateway.exchanges().find((e) => e.id === answer?.exchangeId);
    expect(exchange?.status).toBe(429);
    expect(JSON.parse(String(exchange?.response_headers))).toMatchObject({ 'retry-after': '7' });
    const request = gateway.messages().find((m) => m.exchangeId === answer?.exchangeId && m.direction === 'client_to_server');
    expect(request).toMatchObject({ method: 'tools/call', httpStatus: 429, pairedId: answer?.id });
    // times: 1 — the next call goes through.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'y' } })).content).toEqual([{ type: 'text', text: 'y' }]);
  });

  it('probability fires at the expected rate over many calls', async () => {
    const { client } = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'toolError', text: 'flaky' }, probability: 0.3 });
    const calls = 300;
    let failed = 0;
    for (let i = 0; i < calls; i++) {
      const result = await client.callTool({ name: 'echo', arguments: { text: String(i) } });
      if (result.isError) {
        expect(result.content).toEqual([{ type: 'text', text: 'flaky' }]);
        failed++;
      } else expect(result.content).toEqual([{ type: 'text', text: String(i) }]);
    }
    // Binomial(300, 0.3): mean 90, sd 7.9; six sd either side fails about once in 10^9 runs.
    expect(failed).toBeGreaterThan(90 - 6 * 7.94);
    expect(failed).toBeLessThan(90 + 6 * 7.94);
    const listed = ((await (await gateway.api('/faults')).json()) as { faults: FaultView[] }).faults;
    expect(listed.find((f) => f.id === rule.id)?.fired).toBe(failed);
    expect(injectedBy(rule.id).filter((m) => m.isError)).toHaveLength(failed);
  });

  it('a rewrite of tools/list is seen by the client and recorded as injected, beside what the upstream sent', async () => {
    const { client } = await connect();
    const rule = await addRule({
      server: 'up',
      match: { method: 'tools/list' },
      action: { type: 'rewrite', patch: [{ op: 'replace', path: '/result/tools/0/description', value: 'Changed by a fault rule' }] },
    });
    const { tools } = await client.listTools();
    expect(tools[0]?.description).toBe('Changed by a fault rule');
    const rows = gateway.messages();
    const [delivered] = rows.filter((m) => m.injected === rule.id);
    const original = rows.find((m) => m.id === delivered?.relatedId);
    const request = rows.find((m) => m.id === delivered?.pairedId);
    expect(delivered).toMatchObject({ direction: 'server_to_client', kind: 'response', method: 'tools/list', stream: 'post-sse' });
    expect(JSON.parse(delivered?.body ?? '{}').result.tools[0].description).toBe('Changed by a fault rule');
    expect(JSON.parse(original?.body ?? '{}').result.tools[0].description).toBe('Echoes its text');
    expect(original?.injected).toBeNull();
    // The request is paired with what the client received.
    expect(request).toMatchObject({ method: 'tools/list', pairedId: delivered?.id });
    const detail = (await (await gateway.api(`/messages/${delivered?.id}`)).json()) as { message: MessageRecord };
    expect(detail.message.injected).toBe(rule.id);
    const list = (await (await gateway.api(`/messages?server=up&method=tools/list&limit=10`)).json()) as { messages: MessageRecord[] };
    expect(list.messages.find((m) => m.id === delivered?.id)?.injected).toBe(rule.id);
    // The export carries the mark, and an import keeps it.
    const lines = (await (await gateway.api('/export?server=up&method=tools/list')).text()).trim().split('\n');
    const exported = lines.map((l) => JSON.parse(l) as { id: number; injected?: string });
    expect(exported.find((l) => l.id === delivered?.id)?.injected).toBe(rule.id);
    expect(exported.find((l) => l.id === original?.id)?.injected).toBeUndefined();
    const imported = await gateway.api('/import', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const { firstId } = (await imported.json()) as { firstId: number };
    expect(gateway.messages().filter((m) => m.id >= firstId && m.injected === rule.id)).toHaveLength(1);
  });

  it('an expired rule stops firing', async () => {
    const { client } = await connect();
    const rule = await addRule({ server: 'up', match: { tool: 'echo' }, action: { type: 'error', code: -32050, message: 'injected' }, ttlSeconds: 0.5 });
    expect(rule.expiresAt).not.toBeNull();
    await expect(client.callTool({ name: 'echo', arguments: { text: 'a' } })).rejects.toThrow(/injected/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await client.callTool({ name: 'echo', arguments: { text: 'b' } })).content).toEqual([{ type: 'text', text: 'b' }]);
    const health = (await (await gateway.api('/health')).json()) as { faults: FaultView[] };
    expect(health.faults).toEqual([]);
    const listed = ((await (await gateway.api('/faults')).json()) as { faults: FaultView[] }).faults;
    expect(listed.find((f) => f.id === rule.id)).toMatchObject({ active: false, fired: 1 });
  });
});
