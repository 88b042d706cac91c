import { messageStats } from '../store/stats.js';
import type { StatsResponse } from '../types.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { checkFilter } from './messages.js';
import { apiErrorSchema, statsResponseSchema } from './response-schemas.js';
import { statsQuery } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

export function statsRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer } = ctx.deps;
  return [
    route({
      method: 'get',
      path: '/stats',
      operationId: 'getStats',
      tag: 'stats',
      summary: 'Per server and method: messages, errors, bytes and p50/p95/p99 duration of the answers',
      query: statsQuery,
      responses: { 200: { description: 'Rows by server, then method', schema: statsResponseSchema }, 400: { ...ERROR_RESPONSES[400], schema: apiErrorSchema } },
      handle: async ({ c, query }) => {
        checkFilter(query);
        await writer.flush();
        const body: StatsResponse = {
          since: query.since === undefined ? null : new Date(query.since).toISOString(),
          until: query.until === undefined ? null : new Date(query.until).toISOString(),
          rows: messageStats(ctx.queries.cache, query),
        };
        return c.json(body);
      },
    }),
  ];
}
