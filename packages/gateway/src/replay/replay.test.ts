import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startReplayUpstream, type ReplayUpstream } from '../test-support/replay-upstream.js';
import type { MessageRecord, ReplayResult, VerifyReport } from '../types.js';

let gateway: TestGateway | undefined;
let upstream: ReplayUpstream | undefined;

afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

async function setUp(options: { json?: boolean } = {}): Promise<{ gateway: TestGateway; upstream: ReplayUpstream; client: Client }> {
  upstream = await startReplayUpstream(options);
  gateway = await startTestGateway({ up: { url: upstream.url } });
  const client = new Client({ name: 'recorder-client', version: '3.1.4' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: {} }));
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`)));
  await client.listTools();
  return { gateway, upstream, client };
}

const post = (g: TestGateway, path: string, body: unknown = {}) =>
  g.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function requestOf(g: TestGateway, method: string, name?: string): MessageRecord {
  const found = g
    .messages()
    .filter((m) => m.direction === 'client_to_server' && m.kind === 'request' && m.method === method && m.origin === 'client')
    .find((m) => name === undefined || (JSON.parse(m.body) as { params: { name?: string } }).params.name === name);
  if (!found) throw new Error(`no recorded ${method} ${name ?? ''}`);
  return found;
}

describe.each([
  ['SSE answers', false],
  ['JSON answers', true],
])('replay against an SDK server (%s)', (_label, json) => {
  it('gets the same answer with an empty diff, in a fresh session marked as a replay', async () => {
    const { gateway: g, upstream: up, client } = await setUp({ json });
    await client.callTool({ name: 'lookup', arguments: { key: 'a' } });
    const original = requestOf(g, 'tools/call', 'lookup');

    const response = await post(g, `/messages/${original.id}/replay`);
    expect(response.status).toBe(200);
    const result = (await response.json()) as ReplayResult;
    expect(result.diff).toEqual([]);
    expect(result.request).toMatchObject({ origin: 'replay', replayOf: original.id, method: 'tools/call', kind: 'request', server: 'up' });
    expect(result.response).toMatchObject({ origin: 'replay', replayOf: null, kind: 'response', pairedId: result.request.id });
    expect(JSON.parse(result.response!.body).result.content[0].text).toBe('value of a');
    expect(result.session).not.toBeNull();
    expect(result.session).not.toBe(original.sessionId);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.originalDurationMs).toBeGreaterThan(0);

    // The replay session: the recorded client's initialize, initialized, the call; every row marked; the session deleted upstream.
    const replayRows = g.messages().filter((m) => m.sessionId === result.session);
    expect(replayRows.every((m) => m.origin === 'replay')).toBe(true);
    const init = replayRows.find((m) => m.method === 'initialize' && m.kind === 'request');
    expect(JSON.parse(init!.body).params.clientInfo).toEqual({ name: 'recorder-client', version: '3.1.4' });
    expect(replayRows.filter((m) => m.replayOf !== null).map((m) => m.id)).toEqual([result.request.id]);
    expect(g.messages().filter((m) => m.origin === 'client').every((m) => m.replayOf === null)).toBe(true);
    await eventually(() => up.sessions().length === 1);

    // The detail and the list carry the marks; origin:replay filters them.
    const detail = (await (await g.api(`/messages/${result.request.id}`)).json()) as { message: MessageRecord };
    expect(detail.message).toMatchObject({ origin: 'replay', replayOf: original.id });
    const listed = (await (await g.api('/messages?origin=replay&limit=1000')).json()) as { messages: MessageRecord[] };
    expect(listed.messages.length).toBe(replayRows.length);
    expect(listed.messages.every((m) => m.origin === 'replay')).toBe(true);
    await client.close();
  });
});

describe('replay', () => {
  it('edit and resend: new params change the answer, and the diff names the path', async () => {
    const { gateway: g, client } = await setUp();
    await client.callTool({ name: 'lookup', arguments: { key: 'a' } });
    const original = requestOf(g, 'tools/call', 'lookup');
    const result = (await (await post(g, `/messages/${original.id}/replay`, { params: { name: 'lookup', arguments: { key: 'b' } } })).json()) as ReplayResult;
    expect(result.diff).toEqual([{ path: '$.result.content[0].text', change: 'changed', before: 'value of a', after: 'value of b' }]);
    expect(JSON.parse(result.request.body).params.arguments).toEqual({ key: 'b' });
    await client.close();
  });

  it('refuses a tool that is not read-only without confirmation, and runs it with', async () => {
    const { gateway: g, upstream: up, client } = await setUp();
    await client.callTool({ name: 'store', arguments: { value: 'v1' } });
    const original = requestOf(g, 'tools/call', 'store');
    const refused = await post(g, `/messages/${original.id}/replay`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: expect.objectContaining({ code: 'confirmation_required', tool: 'store', annotations: { readOnlyHint: false, destructiveHint: true } }),
    });
    expect(up.stored).toEqual(['v1']);
    // Read-only-ness is judged for the tool in the params sent, not the recorded one.
    const lookup = await post(g, `/messages/${original.id}/replay`, { params: { name: 'lookup', arguments: { key: 'k' } } });
    expect(lookup.status).toBe(200);
    const confirmed = await post(g, `/messages/${original.id}/replay`, { confirm: true });
    expect(confirmed.status).toBe(200);
    expect(up.stored).toEqual(['v1', 'v1']);
    await client.close();
  });

  it('refuses what cannot be replayed with 400, naming the method', async () => {
    const { gateway: g, client } = await setUp();
    const init = requestOf(g, 'initialize');
    const answer = g.messages().find((m) => m.kind === 'response' && m.method === 'tools/list');
    for (const id of [init.id, answer!.id]) {
      const response = await post(g, `/messages/${id}/replay`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('not_replayable');
    }
    const initBody = (await (await post(g, `/messages/${init.id}/replay`)).json()) as { error: { message: string } };
    expect(initBody.error.message).toMatch(/^initialize cannot be replayed/);
    expect((await post(g, '/messages/999999/replay')).status).toBe(404);
    expect((await post(g, `/messages/${init.id}/replay`, { session: 'other' })).status).toBe(400);
    await client.close();
  });

  it('refuses params holding redaction markers, naming their paths, before asking for confirmation', async () => {
    const { gateway: g, upstream: up, client } = await setUp();
    const secret = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
    await client.callTool({ name: 'store', arguments: { value: secret } });
    const original = requestOf(g, 'tools/call', 'store');
    expect(original.body).not.toContain(secret);
    const refused = await post(g, `/messages/${original.id}/replay`);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string; paths: string[] } }).error).toMatchObject({ code: 'redacted_params', paths: ['$.arguments.value'] });
    // Supplying the values (and confirming the side effect) sends them.
    const sent = await post(g, `/messages/${original.id}/replay`, { params: { name: 'store', arguments: { value: secret } }, confirm: true });
    expect(sent.status).toBe(200);
    expect(up.stored).toEqual([secret, secret]);
    expect(up.stored.some((v) => v.includes('REDACTED'))).toBe(false);
    await client.close();
  });

  it('sends in the live session while it exists, and says when it is gone', async () => {
    const { gateway: g, client, upstream: up } = await setUp();
    await client.callTool({ name: 'lookup', arguments: { key: 'a' } });
    const original = requestOf(g, 'tools/call', 'lookup');
    const live = (await (await post(g, `/messages/${original.id}/replay`, { session: 'live' })).json()) as ReplayResult;
    expect(live.session).toBe(original.sessionId);
    expect(live.request.sessionId).toBe(original.sessionId);
    expect(live.diff).toEqual([]);
    expect(up.sessions()).toEqual([original.sessionId]);
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await client.close();
    const gone = await post(g, `/messages/${original.id}/replay`, { session: 'live' });
    expect(gone.status).toBe(409);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('session_gone');
    // The upstream's 404 carries an error with id null; on the POST of one request it answers that request.
    const sent = g.messages().filter((m) => m.origin === 'replay' && m.kind === 'request').at(-1)!;
    const answer = g.messages().find((m) => m.id === sent.pairedId);
    expect(answer).toMatchObject({ kind: 'error', httpStatus: 404, pairedId: sent.id, method: 'tools/call' });
  });

  it('records the progress of a replayed call, linked to it', async () => {
    const { gateway: g, client } = await setUp();
    await client.callTool({ name: 'slow_count', arguments: { to: 3 } }, undefined, { onprogress: () => undefined });
    const original = requestOf(g, 'tools/call', 'slow_count');
    const result = (await (await post(g, `/messages/${original.id}/replay`)).json()) as ReplayResult;
    expect(result.diff).toEqual([]);
    const related = (await (await g.api(`/messages/${result.request.id}`)).json()) as { related: MessageRecord[] };
    expect(related.related.map((m) => m.method)).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress']);
    expect(related.related.every((m) => m.origin === 'replay')).toBe(true);
    await client.close();
  });

  it('answers a server-to-client request with an error that says why, records it and shows it', async () => {
    const { gateway: g, client } = await setUp();
    await client.callTool({ name: 'ask', arguments: {} });
    const original = requestOf(g, 'tools/call', 'ask');
    const result = (await (await post(g, `/messages/${original.id}/replay`)).json()) as ReplayResult;
    expect(result.refusedServerRequests.map((m) => m.method)).toEqual(['elicitation/create']);
    expect(result.diff.map((d) => d.path)).toContain('$.result.content[0].text');
    const refusal = g.messages().find((m) => m.origin === 'replay' && m.direction === 'client_to_server' && m.kind === 'error');
    expect(JSON.parse(refusal!.body).error.message).toMatch(/replay cannot answer elicitation\/create/);
    expect(refusal!.pairedId).toBe(result.refusedServerRequests[0]!.id);
    await client.close();
  });

  it('a client cannot pass its traffic off as a replay', async () => {
    const { gateway: g, upstream: up, client } = await setUp();
    const forged = await fetch(`${g.url}/s/up/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-mcp-gateway-replay': 'guess 1' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    await forged.text();
    expect(g.messages().every((m) => m.origin === 'client')).toBe(true);
    expect(JSON.stringify(g.exchanges())).not.toContain('guess');
    await client.close();
    expect(up.authorizations.length).toBeGreaterThan(0);
  });
});

describe('verify', () => {
  async function recordSession(): Promise<{ g: TestGateway; up: ReplayUpstream; session: string }> {
    const { gateway: g, upstream: up, client } = await setUp();
    await client.callTool({ name: 'lookup', arguments: { key: 'a' } });
    await client.callTool({ name: 'clock', arguments: {} });
    await client.callTool({ name: 'store', arguments: { value: 'x' } });
    await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } });
    await client.readResource({ uri: 'test://readme' });
    await client.ping();
    const session = client.transport && (client.transport as StreamableHTTPClientTransport).sessionId;
    await client.close();
    return { g, up, session: session as string };
  }

  it('passes against the same server, skipping what is not read-only, and fails with the diff once the server changes', async () => {
    const { g, up, session } = await recordSession();
    const ignore = { ignorePaths: ['$.result.content[0].text'] };
    const clockOnly = (await (await post(g, `/sessions/${session}/verify`)).json()) as VerifyReport;
    expect(clockOnly.results.map((r) => [r.method, r.target, r.status])).toEqual([
      ['tools/list', null, 'same'],
      ['tools/call', 'lookup', 'same'],
      ['tools/call', 'clock', 'changed'],
      ['tools/call', 'store', 'skipped'],
      ['prompts/get', 'greet', 'same'],
      ['resources/read', 'test://readme', 'same'],
      ['ping', null, 'same'],
    ]);
    expect(clockOnly).toMatchObject({ session, same: 5, changed: 1, errors: 0, skipped: 1 });
    expect(clockOnly.results[2]!.diff.map((d) => d.path)).toEqual(['$.result.content[0].text']);
    expect(up.stored).toEqual(['x']);

    const clean = (await (await post(g, `/sessions/${session}/verify`, { ignorePaths: ['$.result.content[0].text'] })).json()) as VerifyReport;
    expect(clean).toMatchObject({ changed: 0, errors: 0, skipped: 1 });
    expect(clean.replaySession).not.toBe(session);
    const replayed = g.messages().filter((m) => m.sessionId === clean.replaySession);
    expect(replayed.every((m) => m.origin === 'replay')).toBe(true);
    expect(clean.results.filter((r) => r.status !== 'skipped').every((r) => replayed.some((m) => m.id === r.replayId && m.replayOf === r.requestId))).toBe(true);

    up.behaviour.suffix = ' (v2)';
    const broken = (await (await post(g, `/sessions/${session}/verify`, ignore)).json()) as VerifyReport;
    expect(broken.results.filter((r) => r.status === 'changed').map((r) => [r.target, r.diff.map((d) => d.path)])).toEqual([
      ['greet', ['$.result.messages[0].content.text']],
      ['test://readme', ['$.result.contents[0].text']],
    ]);
    // lookup's text is under the ignored path; without it, it changes too.
    const all = (await (await post(g, `/sessions/${session}/verify`, { confirm: true })).json()) as VerifyReport;
    expect(all.results.find((r) => r.target === 'lookup')).toMatchObject({ status: 'changed', diff: [{ path: '$.result.content[0].text', before: 'value of a', after: 'value of a (v2)' }] });
    expect(all.skipped).toBe(0);
    expect(up.stored).toEqual(['x', 'x']);
    expect((await post(g, `/sessions/${session}/verify`, { ignorePaths: ['result'] })).status).toBe(400);
    expect((await post(g, '/sessions/nope/verify')).status).toBe(404);
  });

  it('reads the session from a JSONL export instead of the store', async () => {
    const { g, up, session } = await recordSession();
    const exported = await (await g.api('/export')).text();
    up.behaviour.suffix = '!';
    const report = (await (await post(g, `/sessions/${session}/verify`, { export: exported, ignorePaths: ['$.result.content[0].text'] })).json()) as VerifyReport;
    expect(report.results.filter((r) => r.status === 'changed').map((r) => r.target)).toEqual(['greet', 'test://readme']);
    expect(report.skipped).toBe(1);
    const bad = await post(g, `/sessions/${session}/verify`, { export: '{"not": "a line"}\n' });
    expect(bad.status).toBe(400);
  });
});
