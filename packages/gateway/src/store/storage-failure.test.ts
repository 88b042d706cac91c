import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';

describe('when storage fails', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let blocker: Database.Database;

  afterAll(async () => {
    if (blocker?.open) blocker.close();
    await gateway.stop();
    await upstream.close();
  });

  it('keeps traffic flowing, reports the failure once, and writes the backlog on recovery', async () => {
    upstream = await startUpstream();
    gateway = await startTestGateway({ up: { url: upstream.url } });
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`)));
    gateway.writer.flushSync();

    // Another connection holds the write lock: every flush fails with SQLITE_BUSY.
    blocker = new Database(join(gateway.home, 'logs.db'));
    blocker.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');

    for (let i = 0; i < 20; i++) {
      const result = await client.callTool({ name: 'echo', arguments: { text: `during-${i}` } });
      expect(result.content).toEqual([{ type: 'text', text: `during-${i}` }]);
    }
    gateway.writer.flushSync();
    const health = (await (await gateway.api('/health')).json()) as { status: string; storage: { ok: boolean; error: string; pendingWrites: number } };
    expect(health.status).toBe('degraded');
    expect(health.storage.ok).toBe(false);
    expect(health.storage.error).toMatch(/locked|busy/i);
    expect(health.storage.pendingWrites).toBeGreaterThanOrEqual(40);
    expect(gateway.logs.filter((l) => l.startsWith('storage write failed'))).toHaveLength(1);

    blocker.exec('ROLLBACK');
    blocker.close();
    const rows = await eventually(() => {
      gateway.writer.flushSync();
      const all = gateway.messages().filter((r) => r.body.includes('during-'));
      return all.length === 40 && all;
    }, 5000);
    expect(rows.filter((r) => r.kind === 'response').every((r) => r.pairedId !== null)).toBe(true);
    expect(gateway.logs).toContain('storage recovered; recording resumed');
    await client.close();
  });
});
