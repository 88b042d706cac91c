import { z } from 'zod';
import { registerDemoServer } from '../demo/register.js';
import { DEMO_SERVER_NAME } from '../demo/server.js';
import { driveDemoTraffic } from '../demo/traffic.js';
import { RegistryInputError } from '../registry/registry.js';
import type { ApiContext } from './context.js';
import { ApiFailure } from './errors.js';
import { apiErrorSchema } from './response-schemas.js';
import { route, type RouteSpec } from './spec.js';

const body = z.strictObject({
  traffic: z.boolean().optional().describe('true to also drive a short scripted session through /s/demo/mcp; default false'),
});

const result = z.object({
  server: z.string(),
  proxyUrl: z.string(),
  registered: z.enum(['added', 'updated', 'unchanged']),
  traffic: z.object({ calls: z.number(), errors: z.number(), toolErrors: z.number() }).nullable(),
});

/**
 * POST /api/demo: the inspector's "try the demo" button. Registers the demo
 * server shipped with the gateway (a stdio server; its command comes from
 * whoever started the gateway, never from the request) and, when asked,
 * drives the scripted session `mcp-gateway demo --traffic` drives, as an SDK
 * client of /s/demo/mcp whose initialize names it (mcp-gateway-demo-traffic).
 */
export function demoRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/demo',
      operationId: 'runDemo',
      tag: 'servers',
      summary: 'Register the demo server, and optionally drive a short scripted session through it',
      body: { description: 'What to do', contentType: 'application/json', schema: body },
      responses: {
        200: { description: 'The demo server is registered (and the session ran)', schema: result },
        409: { description: 'A server named "demo" exists and is not the demo', schema: apiErrorSchema },
        503: { description: 'This gateway was started without the demo (not by the mcp-gateway command)', schema: apiErrorSchema },
      },
      handle: async ({ c, body: input }) => {
        const demo = ctx.deps.demo;
        if (!demo) throw new ApiFailure(503, 'demo_unavailable', 'The demo is available when the gateway is started with `mcp-gateway start`; run `mcp-gateway demo --traffic` instead');
        let registered: 'added' | 'updated' | 'unchanged';
        try {
          registered = await registerDemoServer(ctx.deps.paths.registry, demo.entry);
        } catch (error) {
          if (error instanceof RegistryInputError) throw new ApiFailure(409, 'conflict', error.message);
          throw error;
        }
        const proxyUrl = `${ctx.deps.baseUrl()}/s/${DEMO_SERVER_NAME}/mcp`;
        let traffic = null;
        if (input.traffic) {
          // The registry notices the file within its poll interval; read it now instead of waiting.
          if (!ctx.deps.registry.get(DEMO_SERVER_NAME)) ctx.deps.registry.reload();
          traffic = await driveDemoTraffic(proxyUrl);
        }
        return c.json({ server: DEMO_SERVER_NAME, proxyUrl, registered, traffic });
      },
    }),
  ];
}
