import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, tempHome, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';

let gateway: TestGateway | undefined;
let upstream: RawUpstream | undefined;
afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

async function traffic(calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const response = await fetch(`${gateway!.url}/s/up/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping' }),
    });
    await response.text();
  }
}

describe('retention', () => {
  it('keeps at most maxMessages, removing the oldest first', async () => {
    upstream = await startRawUpstream((_req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: (JSON.parse(body) as { id: number }).id, result: {} }));
    });
    const home = tempHome();
    writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { up: { url: upstream.url } }, retention: { maxMessages: 50 } }));
    gateway = await startTestGateway(undefined, home, { retentionIntervalMs: 100 });
    await traffic(60);
    const kept = await eventually(() => {
      const rows = gateway!.messages();
      return rows.length === 50 && rows;
    }, 5000);
    // The newest survive, in order, with their pairs.
    const last = kept.at(-1);
    expect(last?.jsonrpcId).toBe(59);
    expect(kept[0]?.id).toBe((last?.id ?? 0) - 49);
    expect(gateway.logs.some((l) => l.startsWith('retention: removed') && l.includes('more than 50 messages'))).toBe(true);
  });

  it('drops messages older than maxAgeDays', async () => {
    upstream = await startRawUpstream((_req, res) => {
      res.writeHead(202).end();
    });
    const home = tempHome();
    // A tiny age limit: everything is old by the time the pruner looks.
    writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { up: { url: upstream.url } }, retention: { maxAgeDays: 0.000001 } }));
    gateway = await startTestGateway(undefined, home, { retentionIntervalMs: 100 });
    await traffic(5);
    await eventually(() => gateway!.logs.some((l) => l.includes('older than')), 5000);
    await eventually(() => gateway!.messages().length === 0, 5000);
  });

  it('refuses a bad retention or redaction setting with a message naming it', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: {}, retention: { maxMessages: -1 } }));
    await expect(startTestGateway(undefined, home)).rejects.toThrow(/retention\.maxMessages/);
    writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: {}, redaction: { patterns: [{ id: 'x', pattern: '(' }] } }));
    await expect(startTestGateway(undefined, home)).rejects.toThrow(/not a valid JavaScript regular expression/);
  });
});
