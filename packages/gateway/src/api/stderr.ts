import { z } from 'zod';
import { readStderr } from '../store/stderr.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { notFound } from './errors.js';
import { apiErrorSchema } from './response-schemas.js';
import { serverParams } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

const stderrQuery = z.strictObject({
  session: z.string().min(1).max(500).optional().describe('only this session'),
  after: z.coerce.number().int().min(0).optional().describe('lines after this id, oldest first (to follow); without it, the newest lines'),
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe('an integer from 1 to 1000'),
});

const stderrSchema = z.object({
  lines: z.array(z.object({ id: z.number(), timestamp: z.number(), server: z.string(), sessionId: z.string().nullable(), line: z.string() })),
});

export function stderrRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/servers/:name/stderr',
      operationId: 'serverStderr',
      tag: 'servers',
      summary: 'What a stdio server wrote to stderr, per session (redacted, oldest first)',
      params: serverParams,
      query: stderrQuery,
      responses: { 200: { description: 'stderr lines', schema: stderrSchema }, 404: { ...ERROR_RESPONSES[404], schema: apiErrorSchema } },
      handle: async ({ c, params, query }) => {
        if (!ctx.deps.registry.get(params.name)) throw notFound(`no server named "${params.name}"`);
        await ctx.deps.writer.flush();
        return c.json({ lines: readStderr(ctx.deps.sqlite, { server: params.name, ...query }) });
      },
    }),
  ];
}
