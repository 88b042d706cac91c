// stdio sessions at scale: the per-server cap, least-recently-used eviction,
// refusal when every session is busy, idle reaping. Real gateway, real child
// processes (a minimal stdio server, so hundreds start quickly).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, tempHome, type TestGateway } from '../../test-support/gateway.js';
import type { GatewayHealth } from '../../types.js';

const SERVER = fileURLToPath(new URL('../../test-support/stdio-minimal.mjs', import.meta.url));

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function start(stdio: Record<string, number>): Promise<TestGateway> {
  const home = tempHome();
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { local: { command: process.execPath, args: [SERVER] } }, stdio }));
  return startTestGateway(undefined, home);
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function post(session: string | null, message: unknown): Promise<Response> {
  return fetch(`${gateway!.url}/s/local/mcp`, {
    method: 'POST',
    headers: { ...HEADERS, ...(session ? { 'mcp-session-id': session } : {}) },
    body: JSON.stringify(message),
  });
}

/** initialize, notifications/initialized and one call, as a client does; no DELETE ever. */
async function openSession(): Promise<string> {
  const init = await post(null, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'abandoning-client', version: '1' } } });
  const session = init.headers.get('mcp-session-id');
  const text = await init.text();
  if (!session) throw new Error(`initialize answered ${init.status}: ${text}`);
  await (await post(session, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  const call = await post(session, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } });
  expect(await call.text()).toContain('"text":"hi"');
  return session;
}

/** Polls an async condition until it holds (or throws after `timeoutMs`). */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function health(): Promise<NonNullable<GatewayHealth['process']>> {
  const body = (await (await gateway!.api('/health')).json()) as GatewayHealth;
  if (!body.process) throw new Error('/api/health has no process section');
  return body.process;
}

describe('stdio sessions: the cap per server, eviction and reaping', () => {
  it('200 sessions opened and abandoned without DELETE leave at most the cap of children, and no descriptors behind', async () => {
    const cap = 10;
    gateway = await start({ maxSessionsPerServer: cap });
    const sessions: string[] = [];
    let fdsAtCap = 0;
    let most = 0;
    for (let i = 0; i < 200; i++) {
      sessions.push(await openSession());
      const now = await health();
      most = Math.max(most, now.children);
      if (i === 2 * cap) fdsAtCap = now.openFds ?? 0;
    }
    // A new session waits until the one closed to make room has exited: never more processes than the cap.
    expect(most).toBe(cap);
    const settled = await health();
    expect(settled.children).toBe(cap);
    // Descriptors do not grow with the sessions that came and went (pipes of 190 stopped processes).
    expect(settled.openFds).not.toBeNull();
    expect(settled.openFds!).toBeLessThanOrEqual(fdsAtCap + 10);
    // The least recently used went first: the oldest are gone (404, so their clients start again), the newest run.
    const first = await post(sessions[0]!, { jsonrpc: '2.0', id: 3, method: 'ping' });
    expect(first.status).toBe(404);
    expect(await first.json()).toMatchObject({ error: { code: -32001, message: 'Session not found' } });
    const last = await post(sessions.at(-1)!, { jsonrpc: '2.0', id: 3, method: 'ping' });
    expect(last.status).toBe(200);
    await last.text();
    expect(gateway.internals()).toMatchObject({ 'bridge.sessions': cap, 'bridge.starting': 0 });
    expect(gateway.logs.filter((l) => l.includes('least recently used')).length).toBe(200 - cap);
  }, 120_000);

  it('refuses a new session with a JSON-RPC error naming stdio.maxSessionsPerServer only while every session has a call in flight', async () => {
    gateway = await start({ maxSessionsPerServer: 2 });
    const a = await openSession();
    const b = await openSession();
    // A call in flight in each: headers come at once, the answer after 1.5 s.
    const waits = await Promise.all(
      [a, b].map((s) => post(s, { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'wait', arguments: { ms: 1500 } } })),
    );
    const refused = await post(null, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    expect(refused.status).toBe(503);
    const error = (await refused.json()) as { id: unknown; error: { code: number; message: string } };
    expect(error.id).toBe(1);
    expect(error.error.message).toMatch(/stdio\.maxSessionsPerServer \(2\) in mcp\.json/);
    expect(refused.headers.get('mcp-session-id')).toBeNull();
    for (const wait of waits) expect(await wait.text()).toContain('waited');
    // Answered: now the least recently used one makes room.
    const c = await openSession();
    expect(c).not.toBe(a);
    expect((await health()).children).toBeLessThanOrEqual(3);
    await until(async () => (await health()).children === 2, 5000);
    // The refusal is recorded as the gateway's own answer.
    const answer = gateway.messages().find((m) => m.kind === 'error' && m.body.includes('maxSessionsPerServer'));
    expect(answer?.stream).toBe('gateway');
  }, 60_000);

  it('stops children idle for stdio.idleMinutes, and their next request gets 404', async () => {
    gateway = await start({ idleMinutes: 0.01 });
    const sessions = [await openSession(), await openSession(), await openSession()];
    expect((await health()).children).toBe(3);
    await until(async () => (await health()).children === 0, 10_000);
    for (const session of sessions) {
      const response = await post(session, { jsonrpc: '2.0', id: 5, method: 'ping' });
      expect(response.status).toBe(404);
      await response.text();
    }
    expect(gateway.internals()).toMatchObject({ 'bridge.sessions': 0, 'bridge.starting': 0, 'bridge.live': 0 });
  }, 60_000);
});
