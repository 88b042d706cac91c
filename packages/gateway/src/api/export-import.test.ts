import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iterateMessages, toExportLine } from '../store/queries.js';
import { openDatabase } from '../store/db.js';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { ExportLine } from '../types.js';
import { apiErrorSchema, importResultSchema } from './response-schemas.js';
import { harProblems } from '../test-support/har-validator.js';
import { api, conforms, connect } from './test-support/traffic.js';

type Json = Record<string, unknown>;

describe('export and import', () => {
  let upstream: TestUpstream;
  let jsonUpstream: TestUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startUpstream();
    jsonUpstream = await startUpstream({ json: true });
    gateway = await startTestGateway({ up: { url: upstream.url }, json: { url: jsonUpstream.url } });
    const secrets = { Authorization: 'Bearer har-secret-token-123', Cookie: 'sid=cookie-secret-456' };
    const a = await connect(`${gateway.url}/s/up/mcp`, 'har-client', '1.0.0', secrets);
    await a.client.callTool({ name: 'echo', arguments: { text: 'over sse' } });
    await a.client.callTool({ name: 'progress', arguments: { steps: 2 } }, undefined, { onprogress: () => undefined });
    await a.close();
    const b = await connect(`${gateway.url}/s/json/mcp`, 'har-client', '1.0.0', secrets);
    await b.client.callTool({ name: 'echo', arguments: { text: 'over json' } });
    await b.close();
    gateway.writer.flushSync();
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await jsonUpstream.close();
  });

  const text = async (path: string): Promise<{ body: string; type: string | null; disposition: string | null }> => {
    const response = await gateway.api(path);
    expect(response.status).toBe(200);
    return { body: await response.text(), type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition') };
  };

  it('exports JSON Lines exactly as the CLI does, with the list filters', async () => {
    const exported = await text('/export');
    expect(exported.type).toMatch(/^application\/x-ndjson/);
    expect(exported.disposition).toMatch(/^attachment; filename="mcp-gateway-.*\.jsonl"$/);
    const { sqlite } = openDatabase(`${gateway.home}/logs.db`, { readonly: true });
    const cli = [...iterateMessages(sqlite)].map((r) => `${JSON.stringify(toExportLine(r))}\n`).join('');
    const calls = [...iterateMessages(sqlite, { method: 'tools/call', server: 'up' })].map((r) => `${JSON.stringify(toExportLine(r))}\n`).join('');
    sqlite.close();
    expect(exported.body).toBe(cli);
    expect((await text('/export?format=jsonl&method=tools/call&server=up')).body).toBe(calls);
    const bad = conforms(apiErrorSchema, await api(gateway, '/export?format=xml', { expect: 400 }));
    expect(bad.error.message).toMatch(/^format must be jsonl .* \(got "xml"\)$/);
  });

  it('exports a valid HAR 1.2 with one entry per exchange, SSE answers as event-stream text, and no credentials', async () => {
    const exported = await text('/export?format=har');
    expect(exported.disposition).toMatch(/\.har"$/);
    const har = JSON.parse(exported.body) as { log: { entries: Json[] } };
    expect(harProblems(har)).toEqual([]);
    expect(har.log.entries).toHaveLength(gateway.exchanges().length);

    const entries = har.log.entries as Array<{ request: Json & { postData?: { text: string } }; response: Json & { content: { mimeType: string; text?: string } }; timings: Json }>;
    const sseCall = entries.find((e) => e.request.postData?.text.includes('over sse'));
    expect(sseCall?.response.content.mimeType).toMatch(/^text\/event-stream/);
    expect(sseCall?.response.content.text).toMatch(/^event: message\n(id: .*\n)?data: \{.*"over sse".*\}\n\n$/);
    expect((sseCall?.timings.wait as number) + (sseCall?.timings.receive as number)).toBeGreaterThan(0);
    const progress = entries.find((e) => e.request.postData?.text.includes('"progress"'));
    expect(progress?.response.content.text?.match(/^event: message$/gm)).toHaveLength(3);
    const jsonCall = entries.find((e) => e.request.postData?.text.includes('over json'));
    expect(jsonCall?.response.content.mimeType).toMatch(/^application\/json/);
    expect(JSON.parse(jsonCall?.response.content.text ?? '')).toMatchObject({ result: { content: [{ text: 'over json' }] } });
    expect(JSON.parse(jsonCall?.request.postData?.text ?? '')).toMatchObject({ method: 'tools/call' });
    expect(entries.some((e) => e.request.method === 'DELETE')).toBe(true);

    expect(exported.body).not.toContain('har-secret-token-123');
    expect(exported.body).not.toContain('cookie-secret-456');
    const names = (e: (typeof entries)[number]) => (e.request.headers as Array<{ name: string }>).map((h) => h.name.toLowerCase());
    expect(entries.every((e) => !names(e).includes('authorization') && !names(e).includes('cookie'))).toBe(true);

    const withSecrets = JSON.parse((await text('/export?format=har&includeSecrets=true')).body) as typeof har;
    const first = withSecrets.log.entries[0] as { request: { headers: Array<{ name: string; value: string }> } };
    expect(first.request.headers.find((h) => h.name.toLowerCase() === 'authorization')?.value).toMatch(/\[REDACTED:/);
    expect(JSON.stringify(withSecrets)).not.toContain('har-secret-token-123');

    const onlyCalls = JSON.parse((await text('/export?format=har&method=tools/call')).body) as typeof har;
    expect(harProblems(onlyCalls)).toEqual([]);
    expect(onlyCalls.log.entries).toHaveLength(3);
  });

  it('imports an export into an empty home so that exporting again gives the same lines apart from ids', async () => {
    const original = (await text('/export')).body;
    const empty = await startTestGateway();
    try {
      const result = conforms(importResultSchema, await api(empty, '/import', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: original }));
      const count = original.trim().split('\n').length;
      expect(result.imported).toBe(count);
      const again = await (await empty.api('/export')).text();
      const normalize = (jsonl: string): ExportLine[] => {
        const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l) as ExportLine);
        const position = new Map(lines.map((l, i) => [l.id, i]));
        const at = (id: number | null) => (id === null ? null : (position.get(id) ?? -1));
        return lines.map((l) => ({ ...l, id: at(l.id) as number, pairedId: at(l.pairedId), relatedId: at(l.relatedId) }));
      };
      expect(normalize(again)).toEqual(normalize(original));
      // Derived state comes back too: errors, sessions, search.
      const sessions = (await api<{ sessions: Array<{ clientName: string }> }>(empty, '/sessions')).sessions;
      expect(sessions.map((s) => s.clientName)).toEqual(['har-client', 'har-client']);
      const found = (await api<{ messages: unknown[] }>(empty, '/messages?q=over%20json')).messages;
      expect(found).toHaveLength(2);

      // A second import goes after the first, ids still rising.
      const second = conforms(importResultSchema, await api(empty, '/import', { method: 'POST', body: original }));
      expect(second.firstId).toBe((result.lastId ?? 0) + 1);
    } finally {
      await empty.stop();
    }
  });

  it('refuses a file with bad lines, naming them, and imports nothing', async () => {
    const good = (await text('/export')).body.trim().split('\n');
    const bad = [good[0], JSON.stringify({ ...JSON.parse(good[1] ?? '{}'), kind: 'banana' }), '{not json', good[2]].join('\n');
    const before = gateway.messages().length;
    const error = conforms(apiErrorSchema, await api(gateway, '/import', { method: 'POST', body: bad, expect: 400 })).error;
    expect(error.code).toBe('bad_import');
    expect(error.message).toMatch(/^nothing imported: line 2: kind: .*; line 3: not JSON/);
    expect(gateway.messages().length).toBe(before);
    const empty = conforms(importResultSchema, await api(gateway, '/import', { method: 'POST', body: '' }));
    expect(empty).toEqual({ imported: 0, firstId: null, lastId: null });
  });
});
