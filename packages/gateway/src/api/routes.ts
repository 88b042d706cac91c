import { Hono } from 'hono';
import type { GatewayHealth } from '../types.js';
import type { ApiContext } from './context.js';
import { auditRoutes } from './audit.js';
import { errorHandler } from './errors.js';
import { eventRoutes } from './events.js';
import { exportRoutes } from './export.js';
import { importRoutes } from './import.js';
import { messageRoutes } from './messages.js';
import { replayRoutes } from './replay.js';
import { metaRoutes } from './openapi.js';
import { serverRoutes } from './servers.js';
import { sessionRoutes } from './sessions.js';
import { stderrRoutes } from './stderr.js';
import type { RouteSpec } from './spec.js';
import { mountRoutes } from './spec.js';
import { statsRoutes } from './stats.js';

export { apiError } from './errors.js';

/** Every endpoint, in the order the OpenAPI document lists them. */
export function allRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer, version } = ctx.deps;
  const health = (): GatewayHealth => {
    const storage = writer.health();
    return { status: storage.ok ? 'ok' : 'degraded', version, storage };
  };
  const routes: RouteSpec[] = [
    ...metaRoutes(health, () => routes, version),
    ...serverRoutes(ctx),
    ...stderrRoutes(ctx),
    ...messageRoutes(ctx),
    ...sessionRoutes(ctx),
    ...replayRoutes(ctx),
    ...statsRoutes(ctx),
    ...eventRoutes(ctx),
    ...exportRoutes(ctx),
    ...importRoutes(ctx),
    ...auditRoutes(ctx),
  ];
  return routes;
}

export function apiRoutes(ctx: ApiContext): Hono {
  const api = new Hono();
  api.onError(errorHandler(ctx.deps.log));
  mountRoutes(api, allRoutes(ctx));
  return api;
}
