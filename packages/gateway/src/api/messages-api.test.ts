import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { MessageRecord } from '../types.js';
import {
  apiErrorSchema,
  clearResultSchema,
  messageDetailSchema,
  messagePageSchema,
  sessionDetailSchema,
  sessionPageSchema,
  statsResponseSchema,
} from './response-schemas.js';
import { api, conforms, connect } from './test-support/traffic.js';

describe('messages, sessions and stats API', () => {
  let upstream: TestUpstream;
  let jsonUpstream: TestUpstream;
  let gateway: TestGateway;
  let all: MessageRecord[];
  let sessionA: string;

  const list = async (query: string) => conforms(messagePageSchema, await api(gateway, `/messages?${query}`));
  const ids = async (query: string) => (await list(`limit=1000&${query}`)).messages.map((m) => m.id);
  const expected = (keep: (m: MessageRecord) => boolean) => all.filter(keep).map((m) => m.id).reverse();

  beforeAll(async () => {
    upstream = await startUpstream();
    jsonUpstream = await startUpstream({ json: true });
    gateway = await startTestGateway({ up: { url: upstream.url }, json: { url: jsonUpstream.url } });
    const a = await connect(`${gateway.url}/s/up/mcp`, 'client-a', '1.2.3', { Authorization: 'Bearer client-secret-value-123' });
    sessionA = a.transport.sessionId ?? '';
    await a.client.listTools();
    await a.client.callTool({ name: 'echo', arguments: { text: 'hello world' } });
    await a.client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, { onprogress: () => undefined });
    await a.client.callTool({ name: 'fail', arguments: {} });
    await a.close();
    const b = await connect(`${gateway.url}/s/json/mcp`, 'client-b', '2.0.0');
    await b.client.callTool({ name: 'echo', arguments: { text: 'other text' } });
    await b.close();
    all = gateway.messages();
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await jsonUpstream.close();
  });

  it('lists newest first with each message paired and timed', async () => {
    const page = await list('limit=1000');
    expect(page.messages.map((m) => m.id)).toEqual(all.map((m) => m.id).reverse());
    expect(page.hasMore).toBe(false);
    expect(page.next).toBeNull();
    const call = page.messages.find((m) => m.kind === 'request' && m.method === 'tools/call' && m.body.includes('hello world'));
    const answer = page.messages.find((m) => m.id === call?.pairedId);
    expect(call?.pair).toMatchObject({ id: answer?.id, kind: 'response', method: 'tools/call', durationMs: answer?.durationMs, isError: false });
    expect(answer?.pair).toMatchObject({ id: call?.id, kind: 'request', durationMs: answer?.durationMs });
    expect(answer?.durationMs).toBeGreaterThan(0);
  });

  it('filters by every parameter', async () => {
    expect(await ids('server=json')).toEqual(expected((m) => m.server === 'json'));
    expect(await ids(`session=${sessionA}`)).toEqual(expected((m) => m.sessionId === sessionA));
    expect(await ids('method=tools/call')).toEqual(expected((m) => m.method === 'tools/call'));
    expect(await ids('method=tools/*')).toEqual(expected((m) => m.method?.startsWith('tools/') ?? false));
    expect(await ids('method=notifications/*')).toEqual(expected((m) => m.method?.startsWith('notifications/') ?? false));
    expect(await ids('direction=server_to_client')).toEqual(expected((m) => m.direction === 'server_to_client'));
    expect(await ids('kind=notification')).toEqual(expected((m) => m.kind === 'notification'));
    expect(await ids('errors=true')).toEqual(expected((m) => m.isError));
    expect(await ids('errors=true')).toHaveLength(1);
    expect(await ids('errors=false')).toEqual(expected((m) => !m.isError));
    expect(await ids('status=200')).toEqual(expected((m) => m.httpStatus === 200));
    expect(await ids('minDurationMs=0')).toEqual(expected((m) => m.durationMs !== null));
    const middle = all[Math.floor(all.length / 2)] as MessageRecord;
    expect(await ids(`since=${middle.timestamp}`)).toEqual(expected((m) => m.timestamp >= middle.timestamp));
    expect(await ids(`until=${new Date(middle.timestamp).toISOString()}`)).toEqual(expected((m) => m.timestamp <= middle.timestamp));
    expect(await ids('jsonrpcId=1')).toEqual(expected((m) => m.jsonrpcId === 1));
    expect(await ids('jsonrpcId=1')).not.toHaveLength(0);
    expect(await ids(`jsonrpcId=${encodeURIComponent('"1"')}`)).toEqual([]);
    expect(await ids('q=hello')).toEqual(expected((m) => m.body.includes('hello world')));
    expect(await ids('q=hello')).toHaveLength(2);
    expect(await ids('server=up&kind=response&method=tools/call')).toEqual(
      expected((m) => m.server === 'up' && m.kind === 'response' && m.method === 'tools/call'),
    );
  });

  it('pages with the cursor it returns, newest first and oldest first', async () => {
    const seen: number[] = [];
    let query = 'limit=4';
    for (;;) {
      const page = await list(query);
      seen.push(...page.messages.map((m) => m.id));
      if (!page.next) break;
      expect(page.hasMore).toBe(true);
      query = `limit=4&before=${(page.next as { before: number }).before}`;
    }
    expect(seen).toEqual(all.map((m) => m.id).reverse());
    const oldest = await list('after=0&limit=5');
    expect(oldest.messages.map((m) => m.id)).toEqual(all.slice(0, 5).map((m) => m.id));
    expect(oldest.next).toEqual({ after: all[4]?.id });
  });

  it('cuts long bodies in lists, and gives a message whole with its pair, exchange and related messages', async () => {
    const clipped = await list('limit=1000&maxBody=10');
    expect(clipped.messages.every((m) => m.body.length <= 10)).toBe(true);
    expect(clipped.messages.some((m) => m.bodyClipped)).toBe(true);

    const request = all.find((m) => m.kind === 'request' && m.body.includes('"progress"')) as MessageRecord;
    const detail = conforms(messageDetailSchema, await api(gateway, `/messages/${request.id}`));
    expect(detail.message.body).toBe(request.body);
    expect(detail.pair?.id).toBe(request.pairedId);
    expect(detail.related.map((m) => m.method)).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress']);
    expect(detail.exchange?.method).toBe('POST');
    expect(detail.exchange?.requestHeaders.authorization).toMatch(/\[REDACTED:/);
    expect(JSON.stringify(detail)).not.toContain('client-secret-value-123');
  });

  it('lists sessions with what initialize said, and counts', async () => {
    const page = conforms(sessionPageSchema, await api(gateway, '/sessions'));
    expect(page.sessions.map((s) => s.server)).toEqual(['json', 'up']);
    const a = page.sessions.find((s) => s.sessionId === sessionA);
    const mine = all.filter((m) => m.sessionId === sessionA);
    expect(a).toMatchObject({
      server: 'up',
      clientName: 'client-a',
      clientVersion: '1.2.3',
      serverName: 'test-upstream',
      serverVersion: '1.0.0',
      messageCount: mine.length,
      errorCount: 1,
      firstId: mine[0]?.id,
      lastId: mine[mine.length - 1]?.id,
      firstSeen: mine[0]?.timestamp,
    });
    expect(a?.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(conforms(sessionDetailSchema, await api(gateway, `/sessions/${sessionA}`)).session).toEqual(a);
    expect(conforms(sessionPageSchema, await api(gateway, '/sessions?server=up')).sessions).toEqual([a]);
    const first = conforms(sessionPageSchema, await api(gateway, '/sessions?limit=1'));
    expect(first.next).toEqual({ before: first.sessions[0]?.lastId });
    expect(conforms(sessionPageSchema, await api(gateway, `/sessions?limit=1&before=${first.sessions[0]?.lastId}`)).sessions).toEqual([a]);
    await api(gateway, '/sessions/no-such-session', { expect: 404 });
  });

  it('gives per server and method counts, errors, bytes and duration percentiles', async () => {
    const stats = conforms(statsResponseSchema, await api(gateway, '/stats'));
    const calls = all.filter((m) => m.server === 'up' && m.method === 'tools/call');
    const row = stats.rows.find((r) => r.server === 'up' && r.method === 'tools/call');
    expect(row).toMatchObject({
      count: calls.length,
      errorCount: 1,
      bytes: calls.reduce((sum, m) => sum + m.size, 0),
      timedCount: calls.filter((m) => m.durationMs !== null).length,
    });
    expect(row?.p50Ms).toBeLessThanOrEqual(row?.p95Ms ?? 0);
    expect(row?.p95Ms).toBeLessThanOrEqual(row?.p99Ms ?? 0);
    const onlyJson = conforms(statsResponseSchema, await api(gateway, '/stats?server=json'));
    expect(new Set(onlyJson.rows.map((r) => r.server))).toEqual(new Set(['json']));
    const none = conforms(statsResponseSchema, await api(gateway, '/stats?since=2999-01-01T00:00:00Z'));
    expect(none).toEqual({ since: '2999-01-01T00:00:00.000Z', until: null, rows: [] });
  });

  it('answers bad input with a 400 naming the parameter, never a 500', async () => {
    const bad = async (path: string, status = 400, method = 'GET') => conforms(apiErrorSchema, await api(gateway, path, { expect: status, method })).error;
    expect(await bad('/messages?limit=5000')).toEqual({ code: 'bad_parameter', message: 'limit must be an integer from 1 to 1000 (got "5000")' });
    expect((await bad('/messages?limit=abc')).message).toMatch(/^limit must be an integer/);
    expect((await bad('/messages?kind=banana')).message).toBe('kind must be one of request, response, notification, error, invalid (got "banana")');
    expect((await bad('/messages?direction=up')).message).toMatch(/^direction must be client_to_server or server_to_client/);
    expect((await bad('/messages?before=abc')).message).toMatch(/^before must be a message id/);
    expect((await bad('/messages?before=0')).message).toMatch(/^before must be a message id/);
    expect((await bad('/messages?sever=up')).message).toMatch(/^unknown parameter "sever"; this endpoint takes: server, session, method/);
    expect((await bad('/messages?server=a&server=b')).message).toBe('server is given 2 times; give it once');
    expect((await bad('/messages?since=yesterday')).message).toMatch(/^since must be an ISO 8601 time/);
    expect((await bad('/messages?since=2026-01-02&until=2026-01-01')).message).toMatch(/^since \(2026-01-02T00:00:00.000Z\) is after until/);
    expect((await bad('/messages?method=to*ls/call')).message).toMatch(/^method must be a JSON-RPC method/);
    expect((await bad('/messages?errors=yes')).message).toMatch(/^errors must be true/);
    expect((await bad('/messages/abc', 404)).message).toMatch(/^id must be a message id/);
    expect((await bad('/messages/999999', 404)).message).toBe('no message with id 999999');
    expect((await bad('/nothing-here', 404)).code).toBe('not_found');
    expect(await bad('/messages', 405, 'PUT')).toEqual({ code: 'method_not_allowed', message: 'PUT is not supported on /api/messages; use GET or DELETE' });
    const hostile = ['"', '*', '-', 'OR', 'AND NOT', '()', '(', ')', 'NEAR(a b)', "'; DROP TABLE messages; --", '\\', '%', '_', 'a:b', '^x', '"hello', 'hello*'];
    for (const q of hostile) {
      const page = await list(`q=${encodeURIComponent(q)}`);
      expect(page.messages.every((m) => m.body.toLowerCase().includes('hello') || !q.includes('hello'))).toBe(true);
    }
    expect((await list('q=%22hello')).messages).toHaveLength(2);
  });

  it('clears one server, then what is older than an id, and reports what went', async () => {
    const jsonCount = all.filter((m) => m.server === 'json').length;
    const cleared = conforms(clearResultSchema, await api(gateway, '/messages?server=json', { method: 'DELETE' }));
    expect(cleared).toMatchObject({ server: 'json', removed: jsonCount });
    expect(await ids('server=json')).toEqual([]);
    expect(conforms(sessionPageSchema, await api(gateway, '/sessions')).sessions.map((s) => s.server)).toEqual(['up']);

    const up = all.filter((m) => m.server === 'up');
    const cut = up[5]?.id as number;
    const older = conforms(clearResultSchema, await api(gateway, `/messages?before=${cut}`, { method: 'DELETE' }));
    expect(older).toMatchObject({ server: null, before: cut, removed: 5 });
    expect(await ids('')).toEqual(up.slice(5).map((m) => m.id).reverse());
    const session = conforms(sessionDetailSchema, await api(gateway, `/sessions/${sessionA}`)).session;
    expect(session.firstId).toBe(cut);
    expect(session.messageCount).toBe(up.filter((m) => m.sessionId === sessionA && m.id >= cut).length);
  });

  it('clears by time: until removes what was recorded at or before it, never a newer message', async () => {
    const oldLine = (id: number) =>
      JSON.stringify({ id, timestamp: '2020-01-01T00:00:00.000Z', server: 'old', sessionId: null, direction: 'client_to_server', kind: 'notification',
        method: 'x', jsonrpcId: null, pairedId: null, durationMs: null, httpStatus: null, message: { jsonrpc: '2.0', method: 'x' }, size: 30 });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const before = await ids('');
    await api(gateway, '/import', { method: 'POST', body: oldLine(1) });
    await pause();
    const until = Date.now();
    await pause();
    const c = await connect(`${gateway.url}/s/up/mcp`);
    await c.close();
    // Imported after the newer traffic: an old time under a high id.
    const late = (await api<{ firstId: number }>(gateway, '/import', { method: 'POST', body: oldLine(2) })).firstId;
    const live = (await ids('')).filter((id) => !before.includes(id) && id < late).slice(0, -1);

    const cleared = conforms(clearResultSchema, await api(gateway, `/messages?until=${until}`, { method: 'DELETE' }));
    expect(cleared).toMatchObject({ server: null, before: Math.min(...live), removed: before.length + 1 });
    // Everything newer stays; so does the late import, which sits above the first newer id.
    expect(await ids('')).toEqual([late, ...live]);
  });
});
