import type { Hono } from 'hono';
import { Feed } from '../publish/feed.js';
import { MessageQueries } from '../store/message-queries.js';
import type { MessageRow } from '../store/rows.js';
import type { Alert, ClearEvent } from '../types.js';
import type { ApiContext, ApiDeps } from './context.js';
import { apiRoutes, gatewayHealth } from './routes.js';
import { UpstreamHealth } from './upstream-health.js';

export type { ApiDeps } from './context.js';

/** The REST API under /api, and the feed of newly stored messages it publishes. */
export interface Api {
  routes: Hono;
  /** Called by the writer after each flush with the messages it stored, in id order. */
  publish(rows: MessageRow[]): void;
  /** Messages were deleted outside the API (retention pruning): tells open event streams with a `clear` event. */
  cleared(event: ClearEvent): void;
  /** An alert is on disk (raised or seen again): tells open event streams with an `alert` event. */
  alert(alert: Alert): void;
  /** Ends open event streams (so shutdown is not held up) and aborts health checks. */
  close(): void;
}

export function createApi(deps: ApiDeps): Api {
  const feed = new Feed({ maxBuffered: deps.tuning?.eventBuffer });
  const health = new UpstreamHealth({
    registry: deps.registry,
    processState: deps.processState,
    timeoutMs: deps.tuning?.healthTimeoutMs,
    maxAgeMs: deps.tuning?.healthMaxAgeMs,
    onChange: (server) => feed.publish({ type: 'health', data: { scope: 'server', health: server } }),
  });
  const stopWatchingStorage = deps.writer.onHealthChange((storage) =>
    feed.publish({ type: 'health', data: { scope: 'storage', health: gatewayHealth(deps, storage) } }),
  );
  const ctx: ApiContext = { deps, queries: new MessageQueries(deps.sqlite), feed, health };
  return {
    routes: apiRoutes(ctx),
    publish: (rows) => feed.publishMessages(rows),
    cleared: (event) => feed.publish({ type: 'clear', data: event }),
    alert: (alert) => feed.publish({ type: 'alert', data: alert }),
    close: () => {
      stopWatchingStorage();
      health.close();
      feed.close();
    },
  };
}
