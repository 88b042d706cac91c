import { readAudit } from '../store/audit.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { checkFilter } from './messages.js';
import { apiErrorSchema, auditPageSchema } from './response-schemas.js';
import { auditQuery } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

export function auditRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer, sqlite } = ctx.deps;
  return [
    route({
      method: 'get',
      path: '/audit',
      operationId: 'listAudit',
      tag: 'gateway',
      summary: 'The audit log, newest first: servers added, changed and removed; logs cleared, pruned, exported and imported; refused tokens, Hosts and Origins',
      description:
        'Append-only (the database refuses to change or delete an entry). Entries carry names, counts, ids and reasons, never header values, tokens, ' +
        'tool arguments or bodies. Refusals are counted: the first of a kind and reason at once, then at most one entry a minute with how many more came. ' +
        'Page with `before` = `next.before`.',
      query: auditQuery,
      responses: { 200: { description: 'A page of audit entries', schema: auditPageSchema }, 400: { ...ERROR_RESPONSES[400], schema: apiErrorSchema } },
      handle: async ({ c, query }) => {
        checkFilter(query);
        // Entries wait in the writer's queue like messages: write them first so the list is current.
        await writer.flush();
        return c.json(readAudit(sqlite, query));
      },
    }),
  ];
}
