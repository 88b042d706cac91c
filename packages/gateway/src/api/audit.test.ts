import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putServer } from '../registry/registry.js';
import { readAudit, type AuditPage, type AuditRecord } from '../store/audit.js';
import { openDatabase } from '../store/db.js';
import { eventually, startTestGateway, tempHome, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import { auditPageSchema } from './response-schemas.js';
import { api, conforms, connect, stored } from './test-support/traffic.js';

const SECRET = 'Bearer upstream-secret-value-0123';
const TOOL_TEXT = 'words-only-the-tool-call-knows';

let gateway: TestGateway;
let upstream: TestUpstream;

beforeAll(async () => {
  upstream = await startUpstream();
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway.stop();
  await upstream.close();
});

const audit = async (query = ''): Promise<AuditRecord[]> => conforms(auditPageSchema, await api<AuditPage>(gateway, `/audit${query}`)).entries;
const brief = (entries: AuditRecord[]) => entries.map((e) => `${e.event} ${e.subject ?? '-'} ${e.source}`);

describe('the audit log', () => {
  it('records servers added, changed and removed, through the API or by editing mcp.json, with no header values', async () => {
    const json = { 'content-type': 'application/json' };
    await api(gateway, '/servers', { method: 'POST', headers: json, body: JSON.stringify({ name: 'a', url: upstream.url, headers: { Authorization: SECRET } }), expect: 201 });
    await api(gateway, '/servers/a', { method: 'PUT', headers: json, body: JSON.stringify({ url: `${upstream.url}?v=2`, headers: { Authorization: '********' } }) });
    // The CLI writes mcp.json itself; the gateway notices the file change.
    await putServer(join(gateway.home, 'mcp.json'), 'by-file', { command: 'node', env: { API_KEY: 'env-secret-value-0123' } }, { replace: false });
    await eventually(() => gateway.registry.get('by-file'), 3000);
    await api(gateway, '/servers/a', { method: 'DELETE' });

    const entries = await audit('?limit=4');
    expect(brief(entries)).toEqual(['server.removed a api', 'server.added by-file gateway', 'server.changed a api', 'server.added a api']);
    expect(entries[2]?.detail).toEqual({ transport: 'http', fields: ['url'] });
    expect(entries[1]?.detail).toEqual({ transport: 'stdio' });
    expect(JSON.stringify(entries)).not.toMatch(/secret-value/);
  });

  it('records clears, exports and imports by counts, ids and filter names, never the search text', async () => {
    await putServer(join(gateway.home, 'mcp.json'), 'up', { url: upstream.url }, { replace: false });
    await eventually(() => gateway.registry.get('up'), 3000);
    const session = await connect(`${gateway.url}/s/up/mcp`);
    await session.client.callTool({ name: 'echo', arguments: { text: TOOL_TEXT } });
    await session.close();
    await stored(gateway, 4);

    const exported = await (await gateway.api(`/export?server=up&q=${TOOL_TEXT}`)).text();
    const imported = await api<{ imported: number; firstId: number; lastId: number }>(gateway, '/import', { method: 'POST', body: exported });
    const cleared = await api<{ removed: number; before: number }>(gateway, '/messages?server=up', { method: 'DELETE' });

    const entries = await audit('?limit=3');
    expect(brief(entries)).toEqual(['logs.cleared up api', 'logs.imported - api', 'logs.exported up api']);
    expect(entries[0]?.detail).toEqual({ before: cleared.before, removed: cleared.removed });
    expect(entries[1]?.detail).toEqual({ imported: imported.imported, firstId: imported.firstId, lastId: imported.lastId });
    expect(entries[2]?.detail).toEqual({ format: 'jsonl', filters: ['server', 'q'], includeSecrets: false });
    expect(JSON.stringify(await audit())).not.toContain(TOOL_TEXT);
    expect((await audit('?event=logs.imported')).map((e) => e.event)).toEqual(['logs.imported']);
  });

  it('counts refused tokens, Hosts and Origins: one entry at once, the rest summed (flushed at shutdown), and no header values', async () => {
    const home = tempHome();
    const own = await startTestGateway(undefined, home);
    const send = async (headers: Record<string, string>) => (await request(`${own.url}/api/health`, { headers })).body.dump();
    for (let i = 0; i < 5; i++) await send({ authorization: 'Bearer a-wrong-token-value-0123' });
    for (let i = 0; i < 3; i++) await send({});
    for (let i = 0; i < 2; i++) await send({ ...own.auth, host: 'rebinding.example' });
    await send({ ...own.auth, origin: 'http://page.example' });

    const page = conforms(auditPageSchema, await api<AuditPage>(own, '/audit'));
    expect(page.entries.map((e) => `${e.event} ${e.subject} ${String(e.detail.count)}`).sort()).toEqual([
      'request.refused host 1',
      'request.refused origin 1',
      'token.refused no token 1',
      'token.refused wrong token 1',
    ]);
    expect(own.logs.filter((l) => l.startsWith('refused')).length).toBe(4);

    await own.close();
    const { sqlite } = openDatabase(join(home, 'logs.db'), { readonly: true });
    const all = readAudit(sqlite, { limit: 100 }).entries;
    sqlite.close();
    await own.stop();
    // The minute was not over: shutdown wrote how many more each reason had.
    expect(all.slice(0, 3).map((e) => `${e.event} ${e.subject} ${String(e.detail.count)}`).sort()).toEqual([
      'request.refused host 1',
      'token.refused no token 2',
      'token.refused wrong token 4',
    ]);
    expect(JSON.stringify(all)).not.toMatch(/wrong-token-value|rebinding|page\.example/);
  });

  it('records each retention round as one logs.pruned entry', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { up: { url: upstream.url } }, retention: { maxMessages: 5 } }));
    const own = await startTestGateway(undefined, home, { retentionIntervalMs: 100 });
    try {
      const session = await connect(`${own.url}/s/up/mcp`);
      for (let i = 0; i < 3; i++) await session.client.callTool({ name: 'echo', arguments: { text: `${i}` } });
      await session.close();
      const pruned = await eventually(() => {
        own.writer.flushSync();
        const { sqlite } = openDatabase(join(home, 'logs.db'), { readonly: true });
        try {
          return readAudit(sqlite, { limit: 10, event: 'logs.pruned' }).entries[0];
        } finally {
          sqlite.close();
        }
      }, 5000);
      expect(pruned).toMatchObject({ subject: null, source: 'gateway', detail: { reason: 'more than 5 messages' } });
      expect(pruned.detail.removed).toBeGreaterThan(0);
    } finally {
      await own.stop();
    }
  });

  it('refuses a bad event or time range with a message naming the parameter', async () => {
    const bad = await gateway.api('/audit?event=logs.deleted');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^event must be one of server\.added/);
    const range = await gateway.api('/audit?since=2026-02-01&until=2026-01-01');
    expect(range.status).toBe(400);
  });
});
