import { Hono } from 'hono';
import { clearMessages } from '../store/queries.js';
import type { ApiError, GatewayHealth } from '../types.js';
import type { ApiDeps } from './index.js';
import { serverView } from './views.js';

export function apiError(code: string, message: string): ApiError {
  return { error: { code, message } };
}

export function apiRoutes(options: ApiDeps): Hono {
  const api = new Hono();

  api.get('/health', (c) => {
    const storage = options.writer.health();
    const body: GatewayHealth = { status: storage.ok ? 'ok' : 'degraded', version: options.version, storage };
    return c.json(body);
  });

  api.get('/servers', (c) =>
    c.json({ servers: options.registry.list().map((s) => serverView(s, options.baseUrl())), registryError: options.registry.lastError() }),
  );

  api.delete('/messages', (c) => {
    const server = c.req.query('server');
    // Queued rows belong to the period being cleared: write them first so they go too.
    options.writer.flush();
    const removed = clearMessages(options.sqlite, server ? { server } : {});
    return c.json({ removed });
  });

  api.notFound((c) => c.json(apiError('not_found', `No API endpoint ${c.req.method} ${c.req.path}`), 404));
  return api;
}
