import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Api } from './api/index.js';
import { apiError } from './api/routes.js';
import type { Proxy } from './proxy/index.js';
import { securityHeaders } from './security/headers.js';
import { requireToken } from './security/token.js';
import { hostOriginGuard, type HostOriginOptions } from './security/host-origin.js';

export interface AppOptions {
  access: HostOriginOptions;
  /** The API token, read per request (rotation takes effect at once): every /api call must present it. */
  token: () => string;
  /** Where the token is kept, for the 401's message. */
  tokenFile?: string;
  /** A request was refused for a missing or wrong token. */
  onTokenFailure?: (reason: string) => void;
  proxy: Proxy;
  api: Api;
  /** The gateway's own MCP server, behind the token at /gateway/mcp. */
  gatewayMcp?: (request: Request) => Promise<Response>;
  /** Read per request: record /gateway/mcp's traffic as server "gateway" (mcp.json "recordGatewayMcp"). */
  recordGatewayMcp?: () => boolean;
  /** Folder of the built UI (packages/ui/dist). */
  uiDir: string;
  log: (message: string) => void;
}

/** The whole gateway as one Hono app: access checks, then proxy, API and UI. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use('*', hostOriginGuard(options.access));

  options.proxy.mount(app);
  const guard = requireToken({
    token: options.token,
    ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
    ...(options.onTokenFailure ? { onFailure: options.onTokenFailure } : {}),
  });
  // '/api/*' covers /api itself too.
  app.use('/api/*', guard);
  app.route('/api', options.api.routes);
  const gatewayMcp = options.gatewayMcp;
  if (gatewayMcp) {
    const recorded = options.proxy.recorded('gateway', gatewayMcp);
    app.use('/gateway/mcp', guard);
    app.all('/gateway/mcp', (c) => (options.recordGatewayMcp?.() ? recorded : gatewayMcp)(c.req.raw));
  }
  mountUi(app, options.uiDir);
  app.get('/', (c) => c.redirect('/ui/'));

  app.notFound((c) => c.json(apiError('not_found', `Nothing at ${c.req.path}. MCP clients connect to /s/<name>/mcp; the inspector is at /ui/`), 404));
  app.onError((error, c) => {
    // Details go to the gateway's log, never into a response body.
    options.log(`internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json(apiError('internal', 'Internal gateway error; see the gateway log'), 500);
  });
  return app;
}

function mountUi(app: Hono, uiDir: string): void {
  const index = join(uiDir, 'index.html');
  if (!existsSync(index)) {
    app.get('/ui/*', (c) =>
      c.html('<!doctype html><title>mcp-gateway</title><h1>MCP Gateway</h1><p>The UI is not built. Run <code>pnpm build</code>.</p>', 503),
    );
    return;
  }
  app.get('/ui', (c) => c.redirect('/ui/'));
  app.use('/ui/*', serveStatic({ root: uiDir, rewriteRequestPath: (path) => path.replace(/^\/ui/, '') }));
  // Client-side routes (/ui/traffic, /ui/servers/x) all load the app shell.
  app.get('/ui/*', (c) => c.html(readFileSync(index, 'utf8')));
}
