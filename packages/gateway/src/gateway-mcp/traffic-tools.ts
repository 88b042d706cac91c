import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { compileTerms, type FilterAccessors } from '../filter/terms.js';
import type { MessageDetail, MessageListItem, MessagePage, SessionPage, SessionRecord, StatsResponse } from '../types.js';
import { queryString, type ApiClient } from './api-client.js';
import { DEFAULT_MAX_BYTES } from './budget.js';
import { guarded, ok, READS } from './tool-kit.js';
import { budgetMessages, describeLine, messageLine, targetOf, type MessageLine } from './views.js';

const ITEM: FilterAccessors<MessageListItem> = {
  server: (m) => m.server,
  sessionId: (m) => m.sessionId,
  method: (m) => m.method,
  target: (m) => targetOf(m),
  kind: (m) => m.kind,
  direction: (m) => m.direction,
  isError: (m) => m.isError,
  httpStatus: (m) => m.httpStatus,
  jsonrpcId: (m) => m.jsonrpcId,
  origin: (m) => m.origin,
  size: (m) => m.size,
  duration: (m) => m.durationMs ?? m.pair?.durationMs ?? null,
  pending: (m) => m.kind === 'request' && m.pair === null,
};

const id = z.number({ error: 'id must be a message id: a whole number from search_messages or list_sessions' }).int().positive();
const maxBytes = z.number().int().min(1024).max(1024 * 1024).optional().describe('budget for the whole result in bytes (default 20480); bodies beyond it are cut, with their full size');
const line = z.object({
  id: z.number(),
  time: z.string(),
  server: z.string(),
  session: z.string().nullable(),
  direction: z.enum(['client_to_server', 'server_to_client']),
  kind: z.string(),
  method: z.string().nullable(),
  target: z.string().nullable(),
  jsonrpcId: z.union([z.string(), z.number()]).nullable(),
  httpStatus: z.number().nullable(),
  isError: z.boolean(),
  durationMs: z.number().nullable(),
  pairedId: z.number().nullable(),
  origin: z.enum(['client', 'replay']),
  preview: z.string(),
});
const record = z.record(z.string(), z.unknown());

/** Rows read per page while a filter the API cannot express is applied here. */
const PAGE = 200;
const MAX_PAGES = 10;

export function registerTrafficTools(server: McpServer, api: ApiClient): void {
  server.registerTool(
    'search_messages',
    {
      title: 'Search recorded messages',
      description:
        'Recorded JSON-RPC messages, newest first. `query` takes the inspector\'s filter grammar: method:tools/call tool:get_weather kind:error status:error ' +
        'status:4xx dir:c2s server:x session:abc id:3 origin:replay duration>500 size>10k -kind:notification "words in bodies". ' +
        'Page with cursor (the nextCursor of the previous page).',
      inputSchema: {
        query: z.string().max(1000).optional().describe('filter in the inspector\'s grammar'),
        server: z.string().optional(),
        session: z.string().optional().describe('an Mcp-Session-Id'),
        method: z.string().optional().describe('exact, or a prefix ending in * (tools/*)'),
        kind: z.enum(['request', 'response', 'notification', 'error', 'invalid']).optional(),
        direction: z.enum(['client_to_server', 'server_to_client']).optional(),
        errors: z.boolean().optional().describe('true: JSON-RPC errors and isError results only'),
        limit: z.number().int().min(1).max(200).optional().describe('default 20'),
        cursor: z.number().int().positive().optional().describe('nextCursor of the previous page'),
      },
      outputSchema: { messages: z.array(line), nextCursor: z.number().nullable(), warnings: z.array(z.string()) },
      annotations: READS,
    },
    (args) =>
      guarded(async () => {
        const limit = args.limit ?? 20;
        const preset: Record<string, string> = {};
        for (const key of ['server', 'session', 'method', 'kind', 'direction'] as const) if (args[key] !== undefined) preset[key] = args[key];
        if (args.errors !== undefined) preset.errors = String(args.errors);
        const compiled = compileTerms(args.query ?? '', ITEM, preset);
        const params = { ...preset, ...compiled.apiParams };
        const found: MessageLine[] = [];
        let before = args.cursor;
        let nextCursor: number | null = null;
        for (let page = 0; page < MAX_PAGES && found.length < limit; page++) {
          const result = await api.call<MessagePage>('GET', `/messages${queryString({ ...params, limit: compiled.clientOnly ? PAGE : limit - found.length, maxBody: 4096, before })}`);
          for (const item of result.messages) {
            if (found.length >= limit) {
              nextCursor = found[found.length - 1]?.id ?? null;
              break;
            }
            if (compiled.predicate(item)) found.push(messageLine(item));
            before = item.id;
          }
          if (!result.hasMore) break;
          nextCursor = before ?? null;
        }
        if (found.length < limit && nextCursor === before && before !== undefined && found.length > 0) nextCursor = before;
        const text = found.length ? found.map(describeLine).join('\n') : 'No message matches.';
        return ok({ messages: found, nextCursor, warnings: compiled.problems }, `${text}${compiled.problems.length ? `\nNote: ${compiled.problems.join('; ')}` : ''}`);
      }),
  );

  server.registerTool(
    'get_message',
    {
      title: 'One message with its context',
      description: 'A message whole: its pair (the answer of a request, the request of an answer), the HTTP exchange (headers masked) and the progress and cancellations tied to it. Bodies share the budget maxBytes.',
      inputSchema: { id, maxBytes },
      outputSchema: { message: record, pair: record.nullable(), exchange: record.nullable(), related: z.array(record), relatedCount: z.number() },
      annotations: READS,
    },
    ({ id: messageId, maxBytes: budget }) =>
      guarded(async () => {
        const detail = await api.call<MessageDetail>('GET', `/messages/${messageId}`);
        const related = detail.related.slice(0, 20);
        const records = [detail.message, ...(detail.pair ? [detail.pair] : []), ...related];
        const fitted = budgetMessages(records, budget ?? DEFAULT_MAX_BYTES, JSON.stringify(detail.exchange ?? {}).length);
        const [message, ...rest] = fitted;
        const pair = detail.pair ? (rest.shift() ?? null) : null;
        const structured = { message: message as unknown as Record<string, unknown>, pair, exchange: detail.exchange, related: rest, relatedCount: detail.related.length };
        const text = [describeLine(messageLine(detail.message)), pair ? `pair: ${describeLine(messageLine(detail.pair as NonNullable<typeof detail.pair>))}` : 'pair: none', detail.message.body.slice(0, 1000)].join('\n');
        return ok(structured, text);
      }),
  );

  server.registerTool(
    'list_sessions',
    {
      title: 'Recorded sessions',
      description: 'MCP sessions, most recently active first: client, protocol version, message and error counts.',
      inputSchema: { server: z.string().optional(), limit: z.number().int().min(1).max(200).optional().describe('default 20') },
      outputSchema: { sessions: z.array(record), hasMore: z.boolean() },
      annotations: READS,
    },
    (args) =>
      guarded(async () => {
        const page = await api.call<SessionPage>('GET', `/sessions${queryString({ server: args.server, limit: args.limit ?? 20 })}`);
        const text = page.sessions.map((s) => `${s.sessionId} ${s.server} ${s.clientName ?? '?'} ${s.clientVersion ?? ''}: ${s.messageCount} messages, ${s.errorCount} errors, last ${new Date(s.lastSeen).toISOString()}`).join('\n');
        return ok({ sessions: page.sessions as unknown as Array<Record<string, unknown>>, hasMore: page.hasMore }, text || 'No session recorded.');
      }),
  );

  server.registerTool(
    'get_session',
    {
      title: 'A session\'s timeline',
      description: 'One session: its client, and each call in order with tool, status and duration.',
      inputSchema: { id: z.string().min(1).describe('an Mcp-Session-Id from list_sessions'), server: z.string().optional().describe('needed only if two servers used the same id') },
      outputSchema: { session: record, calls: z.array(record), truncated: z.boolean() },
      annotations: READS,
    },
    (args) =>
      guarded(async () => {
        const { session } = await api.call<{ session: SessionRecord }>('GET', `/sessions/${encodeURIComponent(args.id)}${queryString({ server: args.server })}`);
        const page = await api.call<MessagePage>('GET', `/messages${queryString({ session: args.id, server: session.server, kind: 'request', direction: 'client_to_server', order: 'asc', after: 0, limit: 500, maxBody: 2048 })}`);
        const calls = page.messages.map((m) => ({
          id: m.id,
          time: new Date(m.timestamp).toISOString(),
          method: m.method,
          target: targetOf(m),
          status: m.pair === null ? 'pending' : m.pair.kind === 'error' ? 'error' : m.pair.isError ? 'isError' : 'ok',
          durationMs: m.pair?.durationMs ?? null,
          answerId: m.pair?.id ?? null,
          origin: m.origin,
        }));
        const head = `${session.sessionId} on ${session.server}: client ${session.clientName ?? '?'} ${session.clientVersion ?? ''}, protocol ${session.protocolVersion ?? '?'}, ${session.messageCount} messages, ${session.errorCount} errors`;
        const text = [head, ...calls.map((c) => `#${c.id} ${c.method}${c.target ? ` ${c.target}` : ''} [${c.status}]${c.durationMs === null ? '' : ` ${c.durationMs.toFixed(1)} ms`}`)].join('\n');
        return ok({ session: session as unknown as Record<string, unknown>, calls, truncated: page.hasMore }, text);
      }),
  );

  server.registerTool(
    'get_stats',
    {
      title: 'Latency and error statistics',
      description: 'Per server and method: count, error rate, p50/p95/p99 duration in ms.',
      inputSchema: { server: z.string().optional(), since: z.string().optional().describe('ISO time or epoch ms'), until: z.string().optional().describe('ISO time or epoch ms') },
      outputSchema: { rows: z.array(record), since: z.string().nullable(), until: z.string().nullable() },
      annotations: READS,
    },
    (args) =>
      guarded(async () => {
        const stats = await api.call<StatsResponse>('GET', `/stats${queryString({ server: args.server, since: args.since, until: args.until })}`);
        const rows = stats.rows.map((r) => ({ ...r, errorRate: r.count === 0 ? 0 : r.errorCount / r.count }));
        const text = rows.map((r) => `${r.server} ${r.method ?? '(none)'}: ${r.count} messages, ${(r.errorRate * 100).toFixed(1)}% errors, p50 ${r.p50Ms ?? '-'} p95 ${r.p95Ms ?? '-'} p99 ${r.p99Ms ?? '-'} ms`).join('\n');
        return ok({ rows, since: stats.since, until: stats.until }, text || 'Nothing recorded yet.');
      }),
  );
}
