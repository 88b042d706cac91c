import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { startLegacyUpstream, type LegacyUpstream } from '../../test-support/legacy-upstream.js';

let gateway: TestGateway | undefined;
let upstream: LegacyUpstream | undefined;
afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

const text = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

describe('legacy HTTP+SSE upstreams (2024-11-05)', () => {
  it('are reachable transparently at /s/<name>/sse with the endpoint rewritten to the gateway', async () => {
    upstream = await startLegacyUpstream();
    gateway = await startTestGateway({ old: { url: upstream.url, type: 'sse' } });
    const client = new Client({ name: 'sse-client', version: '1' });
    await client.connect(new SSEClientTransport(new URL(`${gateway.url}/s/old/sse`)));
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('legacy hi');
    await client.close();

    // Every POST went to the upstream's own endpoint, through the gateway.
    const posts = upstream.requests.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(3);
    const sessionId = new URL(posts[0]!.url, 'http://x').searchParams.get('sessionId');
    expect(posts.every((p) => p.url === `/messages?sessionId=${sessionId}`)).toBe(true);

    const rows = gateway.messages();
    for (const request of rows.filter((r) => r.kind === 'request')) {
      const answer = rows.find((r) => r.id === request.pairedId);
      expect(answer, request.method ?? '').toMatchObject({ direction: 'server_to_client', stream: 'legacy-sse', sessionId });
      expect(answer?.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(rows.filter((r) => r.kind === 'request').map((r) => r.method)).toEqual(['initialize', 'tools/call']);
    expect(new Set(rows.map((r) => r.sessionId))).toEqual(new Set([sessionId]));
  });

  it('are reachable as Streamable HTTP at /s/<name>/mcp, so modern clients can use them', async () => {
    upstream = await startLegacyUpstream();
    gateway = await startTestGateway({ old: { url: upstream.url, type: 'sse' } });
    const client = new Client({ name: 'modern-client', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/old/mcp`));
    await client.connect(transport);
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'bridged' } }))).toBe('legacy bridged');
    const sessionId = transport.sessionId;
    await transport.terminateSession();
    await client.close();

    const rows = gateway.messages();
    const calls = rows.filter((r) => r.method === 'tools/call');
    expect(calls.map((r) => r.kind)).toEqual(['request', 'response']);
    expect(calls[1]?.pairedId).toBe(calls[0]?.id);
    expect(new Set(rows.map((r) => r.sessionId))).toEqual(new Set([sessionId]));
    const channel = gateway.exchanges().find((e) => e.method === 'SSE');
    expect(channel?.path).toBe(`GET ${upstream.url}`);
    expect(upstream.requests.some((r) => r.method === 'GET' && r.url === '/sse')).toBe(true);
  });

  it('detects a legacy server registered as Streamable HTTP once, and bridges it from then on', async () => {
    upstream = await startLegacyUpstream();
    gateway = await startTestGateway({ old: { url: upstream.url } });
    for (const round of ['first', 'second']) {
      const client = new Client({ name: 'modern-client', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/old/mcp`)));
      expect(text(await client.callTool({ name: 'echo', arguments: { text: round } }))).toBe(`legacy ${round}`);
      await client.close();
    }
    // One refused initialize POST, then one probe; the second client is bridged at once.
    const refusedPosts = upstream.requests.filter((r) => r.method === 'POST' && r.url === '/sse');
    expect(refusedPosts).toHaveLength(1);
    const refused = gateway.messages().filter((r) => r.method === 'initialize' && r.httpStatus === 405);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('says clearly when the SSE URL is not an event stream', async () => {
    upstream = await startLegacyUpstream();
    gateway = await startTestGateway({ old: { url: upstream.url.replace('/sse', '/nope'), type: 'sse' } });
    const client = new Client({ name: 'c', version: '1' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/old/mcp`)))).rejects.toThrow(
      /Cannot connect to legacy SSE server \\?"old\\?": GET .*\/nope answered 405.*not an event stream/,
    );
  });
});
