import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { createDemoServer } from './server.js';

describe('the demo server', () => {
  let client: Client;
  const logs: unknown[] = [];

  beforeAll(async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createDemoServer().connect(serverSide);
    client = new Client({ name: 'test', version: '1' });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.data));
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client.close();
  });

  it('lists its tools, a resource and a prompt', async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'count_slowly', 'fail', 'report_problem', 'sleep', 'large_result']);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['demo://readme']);
    expect((await client.readResource({ uri: 'demo://readme' })).contents[0]).toMatchObject({ mimeType: 'text/markdown' });
    expect((await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } })).messages[0]?.content).toEqual({ type: 'text', text: 'Say hello to Ada, warmly.' });
  });

  it('answers, reports progress and logs, fails with a JSON-RPC error, returns isError, takes a second, and returns a large result', async () => {
    expect((await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).content).toEqual([{ type: 'text', text: 'hi' }]);
    const progress: number[] = [];
    await client.callTool({ name: 'count_slowly', arguments: { to: 3, stepMs: 1 } }, undefined, { onprogress: (p) => void progress.push(p.progress) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(3);
    expect(logs).toContain('counted to 3');
    const failure = await client.callTool({ name: 'fail', arguments: {} }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).code).toBe(-32603);
    expect(await client.callTool({ name: 'report_problem', arguments: {} })).toMatchObject({ isError: true });
    const started = Date.now();
    await client.callTool({ name: 'sleep', arguments: { seconds: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    const large = (await client.callTool({ name: 'large_result', arguments: { kilobytes: 300 } })).content as Array<{ text: string }>;
    expect(large[0]?.text.length).toBe(300 * 1024);
  });

  it('rejects bad arguments with -32602', async () => {
    await expect(client.callTool({ name: 'sleep', arguments: { seconds: 'long' } })).rejects.toMatchObject({ code: -32602 });
  });
});

describe('POST /api/demo', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('answers 503 naming the way out when the gateway was not given the demo entry (not started by the CLI)', async () => {
    const response = await gateway.api('/demo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('mcp-gateway demo --traffic');
  });

  it('needs the token', async () => {
    const response = await fetch(`${gateway.url}/api/demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });
});
