import { Hono } from 'hono';
import type { WriterHealth } from '../store/writer.js';
import type { GatewayHealth } from '../types.js';
import type { ApiDeps } from './context.js';
import type { ApiContext } from './context.js';
import { alertRoutes } from './alerts.js';
import { faultRoutes } from './faults.js';
import { auditRoutes } from './audit.js';
import { demoRoutes } from './demo.js';
import { errorHandler } from './errors.js';
import { eventRoutes } from './events.js';
import { exportRoutes } from './export.js';
import { importRoutes } from './import.js';
import { messageRoutes } from './messages.js';
import { replayRoutes } from './replay.js';
import { tokenRoutes } from './token.js';
import { metaRoutes } from './openapi.js';
import { serverRoutes } from './servers.js';
import { sessionRoutes } from './sessions.js';
import { stderrRoutes } from './stderr.js';
import type { RouteSpec } from './spec.js';
import { mountRoutes } from './spec.js';
import { statsRoutes } from './stats.js';

export { apiError } from './errors.js';

const OTEL_OFF = { enabled: false, exported: 0, dropped: 0, failed: 0, lastError: null };

/** GET /api/health, and the `health` event sent when storage fails or recovers. */
export function gatewayHealth(deps: ApiDeps, storage: WriterHealth = deps.writer.health()): GatewayHealth {
  const own = deps.processHealth?.();
  return { status: storage.ok ? 'ok' : 'degraded', version: deps.version, storage, otel: deps.otelHealth?.() ?? OTEL_OFF, faults: deps.faults?.activeRules() ?? [], ...(own ? { process: own } : {}) };
}

/** Every endpoint, in the order the OpenAPI document lists them. */
export function allRoutes(ctx: ApiContext): RouteSpec[] {
  const { version } = ctx.deps;
  const health = (): GatewayHealth => gatewayHealth(ctx.deps);
  const routes: RouteSpec[] = [
    ...metaRoutes(health, () => routes, version),
    ...tokenRoutes(ctx),
    ...serverRoutes(ctx),
    ...demoRoutes(ctx),
    ...stderrRoutes(ctx),
    ...messageRoutes(ctx),
    ...sessionRoutes(ctx),
    ...replayRoutes(ctx),
    ...statsRoutes(ctx),
    ...eventRoutes(ctx),
    ...exportRoutes(ctx),
    ...importRoutes(ctx),
    ...auditRoutes(ctx),
    ...alertRoutes(ctx),
    ...faultRoutes(ctx),
  ];
  return routes;
}

export function apiRoutes(ctx: ApiContext): Hono {
  const api = new Hono();
  api.onError(errorHandler(ctx.deps.log));
  mountRoutes(api, allRoutes(ctx));
  return api;
}
