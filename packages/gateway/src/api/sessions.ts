import { findSessions, listSessions } from '../store/sessions.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { badParameter, notFound } from './errors.js';
import { apiErrorSchema, sessionDetailSchema, sessionPageSchema } from './response-schemas.js';
import { sessionParams, sessionQuery, sessionsQuery } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

const error = { schema: apiErrorSchema };

export function sessionRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer } = ctx.deps;
  const cache = ctx.queries.cache;
  return [
    route({
      method: 'get',
      path: '/sessions',
      operationId: 'listSessions',
      tag: 'sessions',
      summary: 'Recorded MCP sessions, most recently active first: client and protocol from initialize, first and last seen, message and error counts',
      query: sessionsQuery,
      responses: { 200: { description: 'A page of sessions', schema: sessionPageSchema }, 400: { ...ERROR_RESPONSES[400], ...error } },
      handle: async ({ c, query }) => {
        await writer.flush();
        return c.json(listSessions(cache, { server: query.server, before: query.before, limit: query.limit }));
      },
    }),
    route({
      method: 'get',
      path: '/sessions/:id',
      operationId: 'getSession',
      tag: 'sessions',
      summary: 'One session by its Mcp-Session-Id (add server=<name> if two servers used the same id)',
      params: sessionParams,
      query: sessionQuery,
      responses: {
        200: { description: 'The session', schema: sessionDetailSchema },
        400: { ...ERROR_RESPONSES[400], ...error },
        404: { ...ERROR_RESPONSES[404], ...error },
      },
      handle: async ({ c, params, query }) => {
        await writer.flush();
        const found = findSessions(cache, params.id, query.server);
        const session = found[0];
        if (!session) throw notFound(`no session ${JSON.stringify(params.id)}${query.server === undefined ? '' : ` on server "${query.server}"`}`);
        if (found.length > 1) {
          throw badParameter(`session ${JSON.stringify(params.id)} exists on servers ${found.map((s) => s.server).join(', ')}; add server=<name>`);
        }
        return c.json({ session });
      },
    }),
  ];
}
