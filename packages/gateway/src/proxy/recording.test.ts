import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { MessageRecord } from '../types.js';

async function connect(url: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'recording-test', version: '0.0.1' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

function only<T>(items: T[], what: string): T {
  expect(items, what).toHaveLength(1);
  return items[0] as T;
}

for (const mode of ['sse', 'json'] as const) {
  describe(`recording a real SDK session (${mode} responses)`, () => {
    let upstream: TestUpstream;
    let gateway: TestGateway;
    let rows: MessageRecord[];
    let sessionId: string;

    beforeAll(async () => {
      upstream = await startUpstream({ json: mode === 'json' });
      gateway = await startTestGateway({ up: { url: upstream.url, headers: { 'X-Upstream-Key': 'configured-secret-value-123' } } });
      const { client, transport } = await connect(`${gateway.url}/s/up/mcp`);
      await client.listTools();
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'hello' }]);
      const progress: number[] = [];
      await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      });
      if (mode === 'sse') expect(progress).toEqual([1, 2, 3]);
      const failed = await client.callTool({ name: 'fail', arguments: {} });
      expect(failed.isError).toBe(true);
      // The test upstream has no prompts: a real JSON-RPC error (-32601) from the SDK server.
      await expect(client.listPrompts()).rejects.toThrow(/-32601|not found/i);
      sessionId = transport.sessionId ?? '';
      expect(sessionId).not.toBe('');
      await transport.terminateSession();
      await client.close();
      rows = gateway.messages();
    });

    afterAll(async () => {
      await gateway.stop();
      await upstream.close();
    });

    it('forwards the configured headers and the session id unchanged', () => {
      const calls = upstream.requests.filter((r) => r.method === 'POST');
      expect(calls.length).toBeGreaterThan(3);
      for (const call of calls) expect(call.headers['x-upstream-key']).toBe('configured-secret-value-123');
      const afterInit = calls.slice(1);
      for (const call of afterInit) expect(call.headers['mcp-session-id']).toBe(sessionId);
      expect(upstream.requests.some((r) => r.method === 'DELETE' && r.headers['mcp-session-id'] === sessionId)).toBe(true);
    });

    it('records initialize as a pair under the session the upstream assigned', () => {
      const request = only(rows.filter((r) => r.method === 'initialize' && r.kind === 'request'), 'initialize request');
      const response = only(rows.filter((r) => r.method === 'initialize' && r.kind === 'response'), 'initialize response');
      expect(request.direction).toBe('client_to_server');
      expect(response.direction).toBe('server_to_client');
      expect(request.sessionId).toBe(sessionId);
      expect(response.sessionId).toBe(sessionId);
      expect(request.pairedId).toBe(response.id);
      expect(response.pairedId).toBe(request.id);
      expect(response.durationMs).toBeGreaterThan(0);
      expect(response.httpStatus).toBe(200);
      expect(request.httpStatus).toBe(200);
      expect(JSON.parse(response.body).result.serverInfo.name).toBe('test-upstream');
    });

    it('records the initialized notification without a pair', () => {
      const note = only(rows.filter((r) => r.method === 'notifications/initialized'), 'initialized');
      expect(note.kind).toBe('notification');
      expect(note.pairedId).toBeNull();
      expect(note.httpStatus).toBe(202);
    });

    it('pairs every request with exactly one answer, with durations', () => {
      const requests = rows.filter((r) => r.kind === 'request');
      expect(requests.map((r) => r.method)).toEqual(['initialize', 'tools/list', 'tools/call', 'tools/call', 'tools/call', 'prompts/list']);
      for (const request of requests) {
        const answer = rows.find((r) => r.id === request.pairedId);
        expect(answer, `answer to ${request.method} #${String(request.jsonrpcId)}`).toBeDefined();
        expect(answer?.pairedId).toBe(request.id);
        expect(answer?.jsonrpcId).toBe(request.jsonrpcId);
        expect(answer?.method).toBe(request.method);
        expect(answer?.durationMs).toBeGreaterThanOrEqual(0);
        expect(answer?.timestamp).toBeGreaterThanOrEqual(request.timestamp);
      }
      const answers = rows.filter((r) => r.kind === 'response' || r.kind === 'error');
      expect(answers).toHaveLength(requests.length);
    });

    it('marks tool failures and JSON-RPC errors as errors', () => {
      const fail = rows.find((r) => r.kind === 'response' && r.body.includes('this tool always fails'));
      expect(fail?.isError).toBe(true);
      const error = only(rows.filter((r) => r.kind === 'error'), 'JSON-RPC error');
      expect(error.isError).toBe(true);
      expect(error.method).toBe('prompts/list');
      expect(rows.filter((r) => r.kind === 'response' && r.isError)).toHaveLength(1);
    });

    it('records progress notifications on the POST stream', () => {
      const progress = rows.filter((r) => r.method === 'notifications/progress');
      if (mode === 'json') {
        expect(progress).toHaveLength(0);
        return;
      }
      expect(progress).toHaveLength(3);
      const call = rows.find((r) => r.kind === 'request' && r.body.includes('"progress"'));
      for (const p of progress) {
        expect(p.relatedId).toBe(call?.id);
        expect(p.direction).toBe('server_to_client');
        expect(p.stream).toBe('post-sse');
        expect(p.sessionId).toBe(sessionId);
      }
    });

    it('records every message once, in order, with sizes and exchanges', () => {
      const ids = rows.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      for (const row of rows) {
        expect(row.server).toBe('up');
        expect(row.size).toBeGreaterThan(0);
        expect(row.exchangeId).not.toBeNull();
        expect(row.stream).toBe(row.direction === 'client_to_server' ? 'http-body' : mode === 'sse' ? 'post-sse' : 'http-body');
      }
    });

    it('records HTTP exchanges with masked configured headers and timings', () => {
      const exchanges = gateway.exchanges();
      const methods = exchanges.map((e) => e.method);
      expect(methods).toContain('POST');
      expect(methods).toContain('DELETE');
      for (const exchange of exchanges) {
        expect(exchange.status).not.toBeNull();
        expect(exchange.received_at as number).toBeLessThanOrEqual(exchange.upstream_first_byte_at as number);
        expect(exchange.upstream_first_byte_at as number).toBeLessThanOrEqual(exchange.done_at as number);
      }
      const stored = JSON.stringify(exchanges) + JSON.stringify(rows);
      expect(stored).not.toContain('configured-secret-value-123');
    });
  });
}
