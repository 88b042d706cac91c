import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import { startV2Upstream, type V2Upstream } from '../test-support/upstream-v2.js';

let gateway: TestGateway | undefined;
let v2: V2Upstream | undefined;
let v1: TestUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await v2?.close();
  await v1?.close();
  gateway = v2 = v1 = undefined;
});

function autoClient(): Client {
  const client = new Client({ name: 'v2-client', version: '2.0.0' }, { versionNegotiation: { mode: 'auto' }, capabilities: { elicitation: {} } });
  client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: true } }));
  return client;
}

const text = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

describe('the 2026-07-28 era (v2 SDK)', () => {
  it('negotiates the modern era through the gateway and forwards the per-request headers', async () => {
    v2 = await startV2Upstream({ legacy: 'reject' });
    gateway = await startTestGateway({ modern: { url: v2.url } });
    const client = autoClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/modern/mcp`)));
    expect(client.getProtocolEra()).toBe('modern');
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'modern' } }))).toBe('modern');
    await client.close();

    const call = v2.requests.find((r) => r.headers['mcp-method'] === 'tools/call');
    expect(call?.headers['mcp-name']).toBe('echo');
    expect(call?.headers['mcp-protocol-version']).toBe('2026-07-28');
    expect(v2.requests.every((r) => r.method === 'POST')).toBe(true);

    const rows = gateway.messages();
    const request = rows.find((r) => r.method === 'tools/call' && r.kind === 'request');
    const answer = rows.find((r) => r.id === request?.pairedId);
    expect(answer).toMatchObject({ kind: 'response', method: 'tools/call', sessionId: null });
    expect(JSON.parse(request!.body).params._meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
  });

  it('records an input_required result and its retry as one conversation', async () => {
    v2 = await startV2Upstream({ legacy: 'reject' });
    gateway = await startTestGateway({ modern: { url: v2.url } });
    const client = autoClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/modern/mcp`)));
    expect(text(await client.callTool({ name: 'deploy', arguments: { env: 'staging' } }))).toBe('deployed to staging');
    await client.close();

    const calls = gateway.messages().filter((r) => r.method === 'tools/call');
    const [first, firstAnswer, retry, retryAnswer] = calls;
    expect(calls.map((r) => r.kind)).toEqual(['request', 'response', 'request', 'response']);
    expect(JSON.parse(firstAnswer!.body).result.resultType).toBe('input_required');
    expect(retry?.jsonrpcId).not.toBe(first?.jsonrpcId);
    expect(retry?.relatedId).toBe(first?.id);
    expect(JSON.parse(retry!.body).params.inputResponses).toBeDefined();
    expect(retryAnswer?.pairedId).toBe(retry?.id);
  });

  it('keeps a subscriptions/listen stream open and records each notification as it comes', async () => {
    v2 = await startV2Upstream({ legacy: 'reject' });
    gateway = await startTestGateway({ modern: { url: v2.url } });
    const client = autoClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/modern/mcp`)));
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes += 1;
    });
    const subscription = await client.listen({ toolsListChanged: true });
    await eventually(() => gateway!.messages().some((r) => r.method === 'notifications/subscriptions/acknowledged'));
    v2.handler.notify.toolsChanged();
    await eventually(() => changes === 1);
    await eventually(() => gateway!.messages().some((r) => r.method === 'notifications/tools/list_changed'));
    v2.handler.notify.toolsChanged();
    await eventually(() => changes === 2);
    const listen = gateway.messages().find((r) => r.method === 'subscriptions/listen' && r.kind === 'request');
    const notes = await eventually(() => {
      const found = gateway!.messages().filter((r) => r.method === 'notifications/tools/list_changed');
      return found.length === 2 && found;
    });
    for (const note of notes) expect(note).toMatchObject({ stream: 'post-sse', exchangeId: listen?.exchangeId });
    await subscription.close();
    await client.close();
  });

  it('lets a dual-era client fall back against a legacy-only upstream exactly as it does directly', async () => {
    v1 = await startUpstream();
    gateway = await startTestGateway({ legacy: { url: v1.url } });
    const outcome = async (url: string) => {
      const client = autoClient();
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const result = { era: client.getProtocolEra(), version: client.getNegotiatedProtocolVersion(), echo: text(await client.callTool({ name: 'echo', arguments: { text: 'x' } })) };
      await client.close();
      return result;
    };
    const direct = await outcome(v1.url);
    const directRequests = v1.requests.map((r) => [r.method, r.body ? JSON.parse(r.body).method ?? 'response' : null]);
    v1.requests.length = 0;
    const proxied = await outcome(`${gateway.url}/s/legacy/mcp`);
    const proxiedRequests = v1.requests.map((r) => [r.method, r.body ? JSON.parse(r.body).method ?? 'response' : null]);
    expect(direct.era).toBe('legacy');
    expect(proxied).toEqual(direct);
    expect(proxiedRequests).toEqual(directRequests);
  });
});
