// HAR of a stdio server's traffic: what the client saw (its HTTP exchanges
// with the bridge), never the child process's own channel.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { harProblems } from '../test-support/har-validator.js';

const SERVER = fileURLToPath(new URL('../test-support/stdio-server.mjs', import.meta.url));

interface HarEntry {
  request: { method: string; url: string; postData?: { text: string } };
  response: { status: number; content: { text?: string } };
  _mcpGateway: { exchangeId: number };
}

describe('HAR export of a stdio server', () => {
  let gateway: TestGateway;
  let har: { log: { entries: HarEntry[] } };
  let text: string;

  beforeAll(async () => {
    gateway = await startTestGateway({ local: { command: process.execPath, args: [SERVER, '--flag-that-must-not-leak'] } });
    const client = new Client({ name: 'har-stdio', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/local/mcp`));
    await client.connect(transport);
    await client.callTool({ name: 'echo', arguments: { text: 'through the bridge' } });
    // Stray stdout: recorded on the process's channel, which the client never saw.
    await client.callTool({ name: 'pollute', arguments: {} });
    await transport.terminateSession();
    await client.close();
    const response = await gateway.api('/export?format=har');
    text = await response.text();
    har = JSON.parse(text) as typeof har;
  });

  afterAll(async () => {
    await gateway.stop();
  });

  it('is a valid HAR 1.2 archive', () => {
    expect(harProblems(har)).toEqual([]);
  });

  it('has the client\'s HTTP exchanges with the bridge, with their real statuses, and nothing of the child\'s channel', () => {
    const channel = gateway.exchanges().filter((e) => e.method === 'STDIO');
    expect(channel).toHaveLength(1);
    const clientExchanges = gateway.exchanges().filter((e) => e.method !== 'STDIO');
    expect(har.log.entries.map((e) => e._mcpGateway.exchangeId).sort((a, b) => a - b)).toEqual(clientExchanges.map((e) => e.id as number));
    expect(har.log.entries.map((e) => e.request.method)).not.toContain('STDIO');
    for (const entry of har.log.entries) {
      expect(entry.request.url).toMatch(new RegExp(`^${gateway.url}/s/local/mcp`));
      expect(entry.response.status).toBeGreaterThan(0);
    }
    expect(har.log.entries.map((e) => e.request.method)).toEqual(expect.arrayContaining(['POST', 'DELETE']));
    expect(har.log.entries.some((e) => e.request.postData?.text.includes('through the bridge'))).toBe(true);
    // The command line (arguments and all) and the stray output stay out.
    expect(text).not.toContain('--flag-that-must-not-leak');
    expect(text).not.toContain('this is not JSON-RPC');
  });
});
