import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { MessageRecord } from '../types.js';

const SESSIONS = 20;
const CALLS = 50;

describe(`${SESSIONS} concurrent sessions x ${CALLS} calls`, () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let rows: MessageRecord[];
  const sessionIds: string[] = [];

  beforeAll(async () => {
    upstream = await startUpstream();
    gateway = await startTestGateway({ up: { url: upstream.url } });
    await Promise.all(
      Array.from({ length: SESSIONS }, async (_, s) => {
        const client = new Client({ name: `client-${s}`, version: '1.0.0' });
        const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`));
        await client.connect(transport);
        sessionIds.push(transport.sessionId ?? '');
        for (let i = 0; i < CALLS; i++) {
          const result = await client.callTool({ name: 'echo', arguments: { text: `s${s}-c${i}` } });
          expect(result.content).toEqual([{ type: 'text', text: `s${s}-c${i}` }]);
        }
        await client.close();
      }),
    );
    rows = gateway.messages();
  }, 120_000);

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
  });

  it('records every call exactly once', () => {
    const calls = rows.filter((r) => r.method === 'tools/call' && r.kind === 'request');
    expect(calls).toHaveLength(SESSIONS * CALLS);
    const texts = calls.map((r) => (JSON.parse(r.body) as { params: { arguments: { text: string } } }).params.arguments.text);
    expect(new Set(texts).size).toBe(SESSIONS * CALLS);
    // initialize + initialized + calls, both directions.
    expect(rows).toHaveLength(SESSIONS * (2 * CALLS + 3));
  });

  it('pairs every call with its own answer in its own session', () => {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const requests = rows.filter((r) => r.kind === 'request');
    for (const request of requests) {
      const answer = byId.get(request.pairedId ?? -1);
      expect(answer, `answer for row ${request.id}`).toBeDefined();
      expect(answer?.pairedId).toBe(request.id);
      expect(answer?.sessionId).toBe(request.sessionId);
      expect(answer?.jsonrpcId).toBe(request.jsonrpcId);
      if (request.method === 'tools/call') {
        const sent = (JSON.parse(request.body) as { params: { arguments: { text: string } } }).params.arguments.text;
        const got = (JSON.parse(answer?.body ?? '{}') as { result: { content: Array<{ text: string }> } }).result.content[0]?.text;
        expect(got).toBe(sent);
      }
    }
    expect(new Set(rows.map((r) => r.sessionId))).toEqual(new Set(sessionIds));
  });
});
