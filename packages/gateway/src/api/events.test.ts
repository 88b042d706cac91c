import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePaths } from '../home/home.js';
import { readEventStream, type StreamEvent } from '../publish/event-reader.js';
import { LiveRegistry } from '../registry/registry.js';
import { AuditLog } from '../store/audit-log.js';
import { openDatabase } from '../store/db.js';
import { insertMessages } from '../store/derived.js';
import { Writer } from '../store/writer.js';
import { eventually, startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { startUpstream, type TestUpstream } from '../test-support/upstream.js';
import type { MessageRecord } from '../types.js';
import { createApi } from './index.js';
import { messageRecordSchema } from './response-schemas.js';
import { api, connect } from './test-support/traffic.js';

interface Received {
  ids: number[];
  /** The resume position a reconnecting EventSource would send. */
  lastEventId: string | null;
  events: StreamEvent[];
}

/** Reads events until `until` says stop (or the stream ends), then disconnects. */
async function readEvents(url: string, headers: Record<string, string>, until: (r: Received) => boolean): Promise<Received> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const received: Received = { ids: [], lastEventId: null, events: [] };
  try {
    for await (const event of readEventStream(response.body as ReadableStream<Uint8Array>)) {
      received.events.push(event);
      if (event.id !== null) received.lastEventId = event.id;
      if (event.event === 'message' && event.data !== null) {
        const message = messageRecordSchema.extend({}).loose().parse(JSON.parse(event.data));
        expect(String(message.id)).toBe(event.id);
        received.ids.push(message.id);
      }
      if (until(received)) break;
    }
  } finally {
    controller.abort();
  }
  return received;
}

describe('GET /api/events', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startUpstream();
    gateway = await startTestGateway({ up: { url: upstream.url } });
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
  });

  it('resumes after a disconnect in the middle of a burst with no gap and no duplicate', async () => {
    const start = gateway.messages().at(-1)?.id ?? 0;
    const client = await connect(`${gateway.url}/s/up/mcp`);
    // The burst: 250 tool calls, 25 at a time, so about 500 messages arrive while the stream is read.
    const burst = (async () => {
      for (let round = 0; round < 10; round++) {
        await Promise.all(Array.from({ length: 25 }, (_, i) => client.client.callTool({ name: 'echo', arguments: { text: `burst-${round}-${i}` } })));
      }
    })();

    const first = await readEvents(`${gateway.url}/api/events?after=${start}`, gateway.auth, (r) => r.ids.length >= 150);
    // Stay away while more messages are stored, then come back with what EventSource would send.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const resumeFrom = first.lastEventId as string;
    expect(Number(resumeFrom)).toBe(first.ids.at(-1));
    const burstDone = burst.then(() => gateway.messages().at(-1)?.id ?? 0);
    let newest = Number.POSITIVE_INFINITY;
    void burstDone.then((id) => (newest = id));
    const second = await readEvents(`${gateway.url}/api/events`, { ...gateway.auth, 'Last-Event-ID': resumeFrom }, (r) => (r.ids.at(-1) ?? 0) >= newest);
    await burstDone;
    await client.close();

    const received = [...first.ids, ...second.ids];
    const stored = gateway.messages().filter((m) => m.id > start && m.id <= (second.ids.at(-1) ?? 0)).map((m) => m.id);
    expect(stored.length).toBeGreaterThanOrEqual(500);
    expect(received).toEqual(stored);
  });

  it('starts at the newest message without a position, says so, and carries clears', async () => {
    const newest = gateway.messages().at(-1)?.id ?? 0;
    const cleared = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await api(gateway, '/messages?server=up', { method: 'DELETE' });
    })();
    const got = await readEvents(`${gateway.url}/api/events?server=up`, gateway.auth, (r) => r.events.some((e) => e.event === 'clear'));
    await cleared;
    expect(got.events[0]).toMatchObject({ data: null, retry: 1000 });
    expect(got.events[1]).toMatchObject({ data: null, id: String(newest) });
    const clear = got.events.find((e) => e.event === 'clear');
    expect(JSON.parse(clear?.data ?? '')).toMatchObject({ server: 'up', before: newest + 1, removed: newest });
  });

  it('reports storage failing and recovering as health events', async () => {
    const done = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const blocker = new Database(join(gateway.home, 'logs.db'));
      blocker.pragma('busy_timeout = 0');
      blocker.exec('BEGIN IMMEDIATE');
      gateway.writer.enqueue({ op: 'stderr', server: 'up', sessionId: null, timestamp: Date.now(), line: 'x' });
      gateway.writer.flushSync();
      blocker.exec('ROLLBACK');
      blocker.close();
      await eventually(() => {
        gateway.writer.flushSync();
        return gateway.writer.health().ok;
      });
    })();
    const got = await readEvents(`${gateway.url}/api/events`, gateway.auth, (r) => r.events.filter((e) => e.event === 'health').length >= 2);
    await done;
    const health = got.events.filter((e) => e.event === 'health').map((e) => JSON.parse(e.data ?? '') as { scope: string; health: { status: string } });
    expect(health.map((h) => `${h.scope}:${h.health.status}`)).toEqual(['storage:degraded', 'storage:ok']);
  });
});

describe('an event stream that cannot keep up', () => {
  const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-events-'));
  const { sqlite } = openDatabase(':memory:');
  const registry = new LiveRegistry({ file: join(home, 'mcp.json') });
  const writer = new Writer({ sqlite });
  const events = createApi({
    registry,
    writer,
    audit: new AuditLog({ sink: writer }),
    sqlite,
    paths: homePaths(home),
    version: 'test',
    baseUrl: () => 'http://127.0.0.1:1',
    log: () => undefined,
    tuning: { eventBuffer: 5, keepAliveMs: 50 },
  });
  let next = 1;
  const store = (count: number): MessageRecord[] => {
    const rows: MessageRecord[] = [];
    for (let i = 0; i < count; i++) {
      const row: MessageRecord = {
        id: next++, timestamp: Date.now(), server: 's', sessionId: null, direction: 'client_to_server', kind: 'notification',
        method: 'notifications/x', jsonrpcId: null, pairedId: null, relatedId: null, durationMs: null, httpStatus: null,
        exchangeId: null, stream: null, sseEventId: null, size: 2, body: '{}', truncated: false, isError: false, redactions: [], origin: 'client', replayOf: null, injected: null,
      };
      rows.push(row);
    }
    insertMessages(sqlite, rows);
    events.publish(rows);
    return rows;
  };

  afterAll(() => {
    events.close();
    registry.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('is cut off instead of buffering without bound, and resumes from its last id', async () => {
    store(3);
    const response = await events.routes.request('/events');
    const live = readEventStream(response.body as ReadableStream<Uint8Array>);
    // retry, then the bare id line that is sent once the stream is subscribed.
    expect((await live.next()).value).toMatchObject({ retry: 1000 });
    expect((await live.next()).value).toMatchObject({ id: '3', data: null });
    // Ten arrive while nothing is read: more than the 5 it may hold, so the stream ends.
    store(10);
    const cutOff: StreamEvent[] = [];
    for await (const event of live) cutOff.push(event);
    expect(cutOff).toEqual([]);

    const resumed = await events.routes.request('/events', { headers: { 'Last-Event-ID': '3' } });
    const again: number[] = [];
    for await (const event of readEventStream(resumed.body as ReadableStream<Uint8Array>)) {
      if (event.event === 'message' && event.data !== null) again.push(Number(event.id));
      if (again.length === 10) store(1);
      if (again.length === 11) break;
    }
    expect(again).toEqual(Array.from({ length: 11 }, (_, i) => i + 4));
  });

  it('sends a keep-alive comment when idle', async () => {
    const response = await events.routes.request('/events');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes(': keep-alive')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/^retry: 1000\n\nid: \d+\n\n: keep-alive\n\n/);
  });

  it('ends open streams when the API closes', async () => {
    const response = await events.routes.request('/events');
    const reader = readEventStream(response.body as ReadableStream<Uint8Array>);
    await reader.next();
    await reader.next();
    const ended = (async () => {
      for await (const _ of reader) {
        // nothing else comes
      }
    })();
    events.close();
    await ended;
  });
});

describe('clears made outside the API', () => {
  it('reach open event streams as clear events', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-events-'));
    const { sqlite } = openDatabase(':memory:');
    const registry = new LiveRegistry({ file: join(home, 'mcp.json') });
    const writer = new Writer({ sqlite });
    const api = createApi({ registry, writer, audit: new AuditLog({ sink: writer }), sqlite, paths: homePaths(home), version: 'test', baseUrl: () => '', log: () => undefined });
    try {
      const response = await api.routes.request('/events');
      const reader = readEventStream(response.body as ReadableStream<Uint8Array>);
      await reader.next();
      await reader.next(); // subscribed
      api.cleared({ server: null, before: 42, removed: 7 });
      const { value } = await reader.next();
      expect(value).toMatchObject({ event: 'clear', data: JSON.stringify({ server: null, before: 42, removed: 7 }) });
    } finally {
      api.close();
      registry.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
