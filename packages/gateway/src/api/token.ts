import { z } from 'zod';
import type { ApiContext } from './context.js';
import { ApiFailure } from './errors.js';
import { apiErrorSchema } from './response-schemas.js';
import { route, type RouteSpec } from './spec.js';

const rotated = z.object({ token: z.string() });

/** POST /api/token/rotate: a new token, in force at once. */
export function tokenRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/token/rotate',
      operationId: 'rotateToken',
      tag: 'gateway',
      summary: 'Replace the gateway token (kept in <home>/token): the old one is refused from the moment this answers',
      description: 'Clients that keep the token in their config (the /gateway/mcp header, say) must be given the new one. Not possible while MCP_GATEWAY_TOKEN sets the token.',
      responses: { 200: { description: 'The new token', schema: rotated }, 409: { description: 'MCP_GATEWAY_TOKEN sets the token', schema: apiErrorSchema } },
      handle: ({ c }) => {
        const rotate = ctx.deps.rotateToken;
        if (!rotate) throw new ApiFailure(409, 'token_fixed', 'This gateway cannot rotate its token');
        let token: string;
        try {
          token = rotate();
        } catch (error) {
          throw new ApiFailure(409, 'token_fixed', (error as Error).message);
        }
        ctx.deps.audit.record('token.rotated', { subject: null, detail: {}, source: 'api' });
        return c.json({ token });
      },
    }),
  ];
}
