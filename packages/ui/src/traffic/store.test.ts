import type { ClearEvent, MessageListItem, MessagePage } from '@mcp-gateway/gateway/types';
import { describe, expect, it } from 'vitest';
import type { ApiParams } from '../api/endpoints.js';
import { compileQuery } from '../filter/query.js';
import type { Feed, FeedListener, LiveRecord } from '../live/feed.js';
import { foldPairs, TrafficStore } from './store.js';

function record(id: number, partial: Partial<MessageListItem> = {}): MessageListItem {
  return {
    id,
    timestamp: 1_000 + id,
    server: 'alpha',
    sessionId: 's1',
    direction: 'client_to_server',
    kind: 'request',
    method: 'tools/call',
    jsonrpcId: id,
    pairedId: null,
    relatedId: null,
    durationMs: null,
    httpStatus: 200,
    exchangeId: 1,
    stream: 'http-body',
    sseEventId: null,
    size: 50,
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: `tool${id}`, arguments: {} } }),
    truncated: false,
    isError: false,
    redactions: [],
    origin: 'client',
    replayOf: null,
    injected: null,
    bodyClipped: false,
    pair: null,
    ...partial,
  };
}

/** An in-memory API over a list of records, with the same cursor rules as the gateway. */
function fakeApi(all: MessageListItem[]) {
  const calls: ApiParams[] = [];
  const list = async (params: ApiParams): Promise<MessagePage> => {
    calls.push(params);
    const limit = Number(params.limit ?? 100);
    let rows = all.filter((r) => (params.kind === undefined || r.kind === params.kind) && (params.q === undefined || r.body.includes(params.q)));
    if (params.after !== undefined) {
      rows = rows.filter((r) => r.id > Number(params.after)).sort((a, b) => a.id - b.id);
    } else {
      rows = rows.filter((r) => params.before === undefined || r.id < Number(params.before)).sort((a, b) => b.id - a.id);
    }
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    const last = page[page.length - 1];
    return { messages: page, hasMore, next: hasMore && last ? (params.after !== undefined ? { after: last.id } : { before: last.id }) : null };
  };
  return { list, calls };
}

class FakeFeed implements Feed {
  status = 'live' as const;
  position: number | null = 0;
  listeners = new Set<FeedListener>();
  subscribe(listener: FeedListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onStatus() {
    return () => undefined;
  }
  send(records: LiveRecord[]) {
    for (const l of this.listeners) l.messages?.(records);
  }
  clear(event: ClearEvent) {
    for (const l of this.listeners) l.clear?.(event);
  }
}

const now = (run: () => void) => run();
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TrafficStore', () => {
  it('loads the newest page oldest first, pages older rows by cursor, and extracts tool names', async () => {
    const all = Array.from({ length: 120 }, (_, i) => record(i + 1));
    const api = fakeApi(all);
    const store = new TrafficStore(compileQuery({}, ''), new FakeFeed(), api.list, { pageSize: 30, schedule: now });
    store.start();
    await settle();
    let snap = store.getSnapshot();
    // pages of 30 until at least 50 rows
    expect(snap.rows.map((r) => r.id)).toEqual(all.slice(60).map((r) => r.id));
    expect(snap.rows[0]?.target).toBe('tool61');
    expect(snap.hasOlder).toBe(true);
    await store.loadOlder();
    snap = store.getSnapshot();
    expect(snap.rows.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(snap.hasOlder).toBe(false);
    expect(api.calls[2]?.before).toBe('61');
  });

  it('merges live messages without duplicates, buffers those that arrive during the first load, and pairs answers with their request', async () => {
    const all = [record(1), record(2)];
    const api = fakeApi(all);
    const feed = new FakeFeed();
    const store = new TrafficStore(compileQuery({}, ''), feed, api.list, { schedule: now });
    store.start();
    // arrives before the page: must not be lost or doubled
    feed.send([{ ...record(2) }, { ...record(3) }]);
    await settle();
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([1, 2, 3]);
    feed.send([record(4, { kind: 'response', direction: 'server_to_client', pairedId: 3, durationMs: 12.5, isError: true, body: '{}' })]);
    const rows = store.getSnapshot().rows;
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(rows[2]?.pair).toEqual({ id: 4, kind: 'response', durationMs: 12.5, isError: true });
    expect(rows[3]?.target).toBe('tool3');
    expect(foldPairs(rows, (id) => store.get(id) !== undefined).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('applies the browser-side filter to pages and live rows', async () => {
    const all = [record(1), record(2, { kind: 'notification', method: 'notifications/progress' }), record(3)];
    const api = fakeApi(all);
    const feed = new FakeFeed();
    const store = new TrafficStore(compileQuery({}, '-kind:notification'), feed, api.list, { schedule: now });
    store.start();
    await settle();
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([1, 3]);
    feed.send([record(4, { kind: 'notification', method: 'notifications/progress' }), record(5)]);
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([1, 3, 5]);
  });

  it('asks the API what new messages match a full-text search', async () => {
    const all = [record(1, { body: 'hello world' }), record(2)];
    const api = fakeApi(all);
    const feed = new FakeFeed();
    const store = new TrafficStore(compileQuery({}, 'hello'), feed, api.list, { schedule: now });
    store.start();
    await settle();
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([1]);
    const fresh = [record(3, { body: 'hello again' }), record(4)];
    all.push(...fresh);
    feed.send(fresh);
    await settle();
    await settle();
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([1, 3]);
    expect(api.calls.at(-1)).toMatchObject({ q: 'hello', after: '1', order: 'asc' });
  });

  it('drops cleared rows, and the oldest rows past the cap', async () => {
    const api = fakeApi([record(1, { server: 'a' }), record(2, { server: 'b' }), record(3, { server: 'a' })]);
    const feed = new FakeFeed();
    const store = new TrafficStore(compileQuery({}, ''), feed, api.list, { schedule: now, maxRows: 3 });
    store.start();
    await settle();
    feed.clear({ server: 'a', before: 3, removed: 1 });
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([2, 3]);
    feed.send([record(4), record(5)]);
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([3, 4, 5]);
    expect(store.getSnapshot().hasOlder).toBe(true);
    feed.clear({ server: null, before: 6, removed: 3 });
    expect(store.getSnapshot().rows).toEqual([]);
    expect(store.getSnapshot().hasOlder).toBe(false);
  });

  it('keeps 100,000 live rows cheaply', async () => {
    const feed = new FakeFeed();
    const store = new TrafficStore(compileQuery({}, ''), feed, fakeApi([]).list, { schedule: now });
    store.start();
    await settle();
    const started = performance.now();
    for (let batch = 0; batch < 100; batch++) {
      feed.send(Array.from({ length: 1000 }, (_, i) => record(batch * 1000 + i + 1)));
    }
    expect(store.getSnapshot().rows).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('TrafficStore.resolveTargets', () => {
  it('names the tool of an answer whose request is not loaded by reading the request once', async () => {
    const answer = record(2, { kind: 'response', direction: 'server_to_client', pairedId: 1, body: '{}' });
    const api = fakeApi([answer]);
    const asked: number[] = [];
    const store = new TrafficStore(compileQuery({}, ''), new FakeFeed(), api.list, {
      schedule: now,
      getMessage: async (id) => {
        asked.push(id);
        return { message: record(1, { body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"weather"}}' }), pair: null, exchange: null, related: [] };
      },
    });
    store.start();
    await settle();
    store.resolveTargets(store.getSnapshot().rows);
    store.resolveTargets(store.getSnapshot().rows);
    await settle();
    expect(store.getSnapshot().rows[0]?.target).toBe('weather');
    expect(asked).toEqual([1]);
  });
});

describe('TrafficStore with a tool: filter', () => {
  const call = (i: number, tool: string, isError = false): MessageListItem[] => [
    record(2 * i - 1, { jsonrpcId: i, pairedId: 2 * i, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: tool } }) }),
    record(2 * i, { kind: 'response', direction: 'server_to_client', jsonrpcId: i, pairedId: 2 * i - 1, isError, body: '{}' }),
  ];

  it('keeps an answer whose request comes on the next older page', async () => {
    const all = [...call(1, 'a'), ...call(2, 'b'), ...call(3, 'a')];
    const store = new TrafficStore(compileQuery({}, 'tool:a'), new FakeFeed(), fakeApi(all).list, { schedule: now, pageSize: 1 });
    store.start();
    await settle();
    expect(store.getSnapshot().rows.map((r) => r.id)).toEqual([1, 2, 5, 6]);
  });

  it('reads the request of answers the filter alone would never name (errors only)', async () => {
    const all = [...call(1, 'a', true), ...call(2, 'b', true)];
    const byId = new Map(all.map((r) => [r.id, r]));
    const errorsOnly = (params: ApiParams) => fakeApi(all.filter((r) => r.isError)).list(params);
    const store = new TrafficStore(compileQuery({}, 'status:error tool:a'), new FakeFeed(), errorsOnly, {
      schedule: now,
      getMessage: async (id) => ({ message: byId.get(id) as MessageListItem, pair: null, exchange: null, related: [] }),
    });
    store.start();
    await settle();
    await settle();
    expect(store.getSnapshot().rows.map((r) => [r.id, r.target])).toEqual([[2, 'a']]);
  });
});
