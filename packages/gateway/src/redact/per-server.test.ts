import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, tempHome, type TestGateway } from '../test-support/gateway.js';
import { startRawUpstream, type RawUpstream } from '../test-support/raw-upstream.js';

let gateway: TestGateway;
let upstream: RawUpstream;
const SECRET_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'login', arguments: { password: 'hunter2-is-long-enough', ticket: 'TKT-123456-ABC', note: 'plain text' } },
});

beforeAll(async () => {
  upstream = await startRawUpstream((_req, res) => {
    res.writeHead(202).end();
  });
  const home = tempHome();
  const entry = { url: upstream.url };
  writeFileSync(
    join(home, 'mcp.json'),
    JSON.stringify({
      redaction: { keys: ['note'], patterns: [{ id: 'ticket', pattern: 'TKT-\\d{6}-[A-Z]{3}' }] },
      mcpServers: { normal: entry, raw: { ...entry, redaction: 'off' }, quiet: { ...entry, redaction: 'metadata-only' } },
    }),
  );
  gateway = await startTestGateway(undefined, home);
  for (const name of ['normal', 'raw', 'quiet']) {
    const response = await fetch(`${gateway.url}/s/${name}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: SECRET_BODY });
    await response.text();
  }
});

afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

const stored = async (server: string) => eventually(() => gateway.messages().find((r) => r.server === server));

describe('redaction settings in mcp.json', () => {
  it('apply the built-in rules plus the extra keys and patterns by default', async () => {
    const row = await stored('normal');
    const body = JSON.parse(row.body) as { params: { arguments: Record<string, string> } };
    expect(body.params.arguments).toEqual({ password: '[REDACTED:key]', ticket: '[REDACTED:ticket]', note: '[REDACTED:key]' });
    expect(row.redactions).toEqual(['key', 'ticket']);
  });

  it('store the body as it came for a server with "redaction": "off"', async () => {
    expect((await stored('raw')).body).toBe(SECRET_BODY);
  });

  it('store no body for a server with "redaction": "metadata-only", but keep method, id and size', async () => {
    const row = await stored('quiet');
    expect(row.body).toBe('{"redacted":"metadata-only"}');
    expect(row).toMatchObject({ method: 'tools/call', jsonrpcId: 1, size: Buffer.byteLength(SECRET_BODY) });
  });
});
