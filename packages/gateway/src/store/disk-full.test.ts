// A full disk, honestly: SQLite's max_page_count on the connection that
// commits the recording (the writer thread's) makes its writes fail with SQLITE_FULL ("database or disk is
// full"), exactly the error a full file system gives, without root or a tiny
// mount. Raising it again is the disk getting space back.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, tempHome, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { GatewayHealth } from '../types.js';

describe('disk full while recording', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('keeps traffic flowing, reports the error once in the log and /api/health, and writes the backlog when space returns', async () => {
    upstream = await startUpstream();
    gateway = await startTestGateway({ up: { url: upstream.url } }, tempHome());
    const { writer } = gateway;
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`)));
    writer.flushSync();

    const roomy = writer.pragma('max_page_count') as number;
    writer.pragma(`max_page_count = ${writer.pragma('page_count') as number}`);
    const pad = 'x'.repeat(2000);
    for (let i = 0; i < 30; i++) {
      const result = await client.callTool({ name: 'echo', arguments: { text: `full-${i}-${pad}` } });
      expect(result.content).toEqual([{ type: 'text', text: `full-${i}-${pad}` }]);
    }
    writer.flushSync();
    const health = (await (await gateway.api('/health')).json()) as GatewayHealth;
    expect(health).toMatchObject({ status: 'degraded', storage: { ok: false, error: 'storage write failed: database or disk is full' } });
    expect(health.storage.pendingWrites).toBeGreaterThanOrEqual(60);
    expect(gateway.logs.filter((l) => l.startsWith('storage write failed'))).toEqual(['storage write failed: database or disk is full']);

    writer.pragma(`max_page_count = ${roomy}`);
    const rows = await eventually(() => {
      const all = gateway.messages().filter((r) => r.body.includes('full-'));
      return all.length === 60 && all;
    }, 5000);
    expect(rows.filter((r) => r.kind === 'response').every((r) => r.pairedId !== null)).toBe(true);
    expect(gateway.logs).toContain('storage recovered; recording resumed');
    expect(((await (await gateway.api('/health')).json()) as GatewayHealth).storage).toMatchObject({ ok: true, error: null, pendingWrites: 0 });
    await client.close();
  });
});
