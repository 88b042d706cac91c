import type { MessageFilter, Cursor } from '../store/message-filter.js';
import { firstIdFrom } from '../store/clear.js';
import type { ClearEvent, ClearResult } from '../types.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { badParameter, notFound } from './errors.js';
import { apiErrorSchema, clearResultSchema, messageDetailSchema, messagePageSchema } from './response-schemas.js';
import { clearQuery, listMessagesQuery, messageIdParams } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

type FilterQuery = MessageFilter & { before?: number; after?: number; limit: number; order?: 'asc' | 'desc'; maxBody: number };

/** Splits a validated list query into the filter, the cursor and the body cap. */
export function listRequest(query: FilterQuery): { filter: MessageFilter; cursor: Cursor; maxBody: number } {
  const { before, after, limit, order, maxBody, ...filter } = query;
  checkFilter(filter);
  const cursor: Cursor = {
    before,
    after,
    limit,
    order: order ?? (after !== undefined && before === undefined ? 'asc' : 'desc'),
  };
  return { filter, cursor, maxBody };
}

export function checkFilter(filter: MessageFilter): void {
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    throw badParameter(`since (${new Date(filter.since).toISOString()}) is after until (${new Date(filter.until).toISOString()})`);
  }
}

export function messageRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer, sqlite } = ctx.deps;
  return [
    route({
      method: 'get',
      path: '/messages',
      operationId: 'listMessages',
      tag: 'messages',
      summary: 'List recorded messages, newest first, with filters and id cursors',
      description:
        'Every filter narrows the list. Page with the id cursors: pass `next` of a page (before=<id>) to get the following one; ' +
        'ids never repeat or go missing between pages. With only `after`, the list is oldest first (use it to catch up). ' +
        'Each item carries its pair (the answer of a request, the request of an answer) with the duration.',
      query: listMessagesQuery,
      responses: { 200: { description: 'A page of messages', schema: messagePageSchema }, 400: { ...ERROR_RESPONSES[400], schema: apiErrorSchema } },
      handle: async ({ c, query }) => {
        await writer.flush();
        const { filter, cursor, maxBody } = listRequest(query);
        return c.json(ctx.queries.page(filter, cursor, maxBody));
      },
    }),
    route({
      method: 'get',
      path: '/messages/:id',
      operationId: 'getMessage',
      tag: 'messages',
      summary: 'One message whole, with its pair, its HTTP exchange (headers masked) and, for a request, the progress and cancellation messages tied to it',
      params: messageIdParams,
      responses: { 200: { description: 'The message and its context', schema: messageDetailSchema }, 404: { ...ERROR_RESPONSES[404], schema: apiErrorSchema } },
      handle: async ({ c, params }) => {
        await writer.flush();
        const detail = ctx.queries.detail(params.id);
        if (!detail) throw notFound(`no message with id ${params.id}`);
        return c.json(detail);
      },
    }),
    route({
      method: 'delete',
      path: '/messages',
      operationId: 'clearMessages',
      tag: 'messages',
      summary: 'Delete recorded messages (all, one server\'s, those older than an id or a time) and give the space back',
      description:
        'Publishes a `clear` event on /api/events, whose `before` says which ids went (with `until`, the first id recorded after that time). ' +
        'Messages recorded while the clear runs are kept. Recorded in the audit log.',
      query: clearQuery,
      responses: { 200: { description: 'What was removed', schema: clearResultSchema }, 400: { ...ERROR_RESPONSES[400], schema: apiErrorSchema } },
      handle: async ({ c, query }) => {
        // Queued rows belong to the period being cleared: write them first so they go too.
        const before = await writer.exclusive(() => {
          const everything = ctx.queries.newestId() + 1;
          const byTime = query.until === undefined ? null : firstIdFrom(sqlite, query.until + 1, query.server);
          return Math.min(query.before ?? everything, byTime ?? everything);
        });
        // Step by step on the writer thread, between its batches: recording goes on, and the event loop never deletes.
        const outcome = await writer.clear({ server: query.server, before });
        if (!outcome) throw new Error('the gateway is shutting down; nothing more was cleared');
        const event: ClearEvent = { server: query.server ?? null, before, removed: outcome.removed };
        ctx.feed.publish({ type: 'clear', data: event });
        ctx.deps.audit.record('logs.cleared', {
          subject: query.server ?? null,
          detail: { before, removed: outcome.removed, ...(query.until === undefined ? {} : { until: new Date(query.until).toISOString() }) },
          source: 'api',
        });
        const result: ClearResult = { ...event, freedPages: outcome.freedPages };
        return c.json(result);
      },
    }),
  ];
}
