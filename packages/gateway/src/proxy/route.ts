import type { Context } from 'hono';
import type { LiveRegistry } from '../registry/registry.js';
import { jsonRpcError, jsonRpcErrorResponse } from './errors.js';
import { proxyToHttpUpstream, type HttpProxyOptions } from './http-upstream.js';
import type { StdioSessions } from './stdio/sessions.js';

export interface ProxyRouteOptions extends HttpProxyOptions {
  registry: LiveRegistry;
  stdio: StdioSessions;
}

/** `/s/:name/mcp`: finds the named upstream and hands the request to its transport. */
export function proxyRoute(options: ProxyRouteOptions) {
  return async (c: Context): Promise<Response> => {
    const name = c.req.param('name') ?? '';
    const server = options.registry.get(name);
    if (!server) {
      const known = options.registry.names();
      const list = known.length ? `Registered servers: ${known.join(', ')}.` : 'No server is registered yet.';
      return jsonRpcErrorResponse(
        404,
        jsonRpcError(null, `Unknown server "${name}". ${list} Add one with: mcp-gateway server add <name> <url>`, {
          servers: known,
        }),
      );
    }
    if (server.transport === 'stdio') return options.stdio.handle(c.req.raw, server);
    if (server.transport !== 'http') {
      return jsonRpcErrorResponse(
        501,
        jsonRpcError(
          null,
          `Server "${name}" uses the ${server.transport} transport, which this gateway version cannot proxy yet; only Streamable HTTP upstreams ("url") are proxied.`,
        ),
      );
    }
    return proxyToHttpUpstream(c.req.raw, server, options);
  };
}
