import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { LiveRegistry, ResolvedServer } from '../registry/registry.js';
import type { LegacyPassthrough } from './legacy/passthrough.js';
import { speaksLegacySse, type LegacyVerdicts } from './legacy/detect.js';
import { configuredHeaders } from '../registry/env-references.js';
import { isInitialize } from './body.js';
import { presentedToken, tokensEqual } from '../security/token.js';
import { jsonRpcError, jsonRpcErrorResponse } from './errors.js';
import { flatHeaders, flatRawHeaders } from './headers.js';
import { proxyToHttpUpstream, type HttpProxyOptions, type RequestContext } from './http-upstream.js';
import type { BridgeSessions } from './bridge/sessions.js';

/**
 * A server with `"requireToken": true` answers only clients that present the
 * gateway token; for everyone else it is a 401 before anything is forwarded.
 */
export function tokenRefusal(server: ResolvedServer, headers: Headers, token: () => string, onRefused: (server: string) => void): Response | null {
  if (!server.entry.requireToken) return null;
  const presented = presentedToken(headers);
  if (presented !== null && tokensEqual(presented, token())) return null;
  onRefused(server.name);
  return jsonRpcErrorResponse(
    401,
    jsonRpcError(
      null,
      `Server "${server.name}" requires the gateway token (see <home>/token): send "X-MCP-Gateway-Token: <token>", or "Authorization: Bearer <token>" when mcp.json gives the upstream its own credentials`,
    ),
  );
}

export interface ProxyRouteOptions extends HttpProxyOptions {
  registry: LiveRegistry;
  bridge: BridgeSessions;
  verdicts: LegacyVerdicts;
  onTokenRefused: (server: string) => void;
}

/** Answers by which an upstream says it has no Streamable HTTP endpoint (the spec's fallback trigger). */
const NOT_STREAMABLE = new Set([400, 404, 405]);

function unknownServer(registry: LiveRegistry, name: string): Response {
  const known = registry.names();
  const list = known.length ? `Registered servers: ${known.join(', ')}.` : 'No server is registered yet.';
  return jsonRpcErrorResponse(
    404,
    jsonRpcError(null, `Unknown server "${name}". ${list} Add one with: mcp-gateway server add <name> <url>`, { servers: known }),
  );
}

/** `/s/:name/sse` and `/s/:name/message`: the legacy HTTP+SSE transport, passed through. */
export function legacyRoutes(registry: LiveRegistry, legacy: LegacyPassthrough, token: () => string, onTokenRefused: (server: string) => void) {
  const withServer = (handle: (raw: Request, server: ResolvedServer) => Promise<Response> | Response) => async (c: Context): Promise<Response> => {
    const name = c.req.param('name') ?? '';
    const server = registry.get(name);
    if (!server) return unknownServer(registry, name);
    const refused = tokenRefusal(server, c.req.raw.headers, token, onTokenRefused);
    if (refused) return refused;
    if (server.transport === 'stdio') {
      return jsonRpcErrorResponse(404, jsonRpcError(null, `Server "${name}" is a stdio server; connect to /s/${name}/mcp (Streamable HTTP)`));
    }
    return handle(c.req.raw, server);
  };
  return { stream: withServer((raw, server) => legacy.stream(raw, server)), message: withServer((raw, server) => legacy.message(raw, server)) };
}

/** `/s/:name/mcp`: finds the named upstream and hands the request to its transport. */
export function proxyRoute(options: ProxyRouteOptions) {
  return async (c: Context): Promise<Response> => {
    const name = c.req.param('name') ?? '';
    const server = options.registry.get(name);
    if (!server) return unknownServer(options.registry, name);
    const refused = tokenRefusal(server, c.req.raw.headers, options.token, options.onTokenRefused);
    if (refused) return refused;
    // stdio and legacy HTTP+SSE servers are bridged: the client speaks Streamable HTTP either way.
    if (server.transport !== 'http') return options.bridge.handle(c.req.raw, server);
    if (options.verdicts.isLegacy(server.name, server.entry.url)) return options.bridge.handle(c.req.raw, asLegacy(server));
    const context = requestContext(c);
    if (c.req.method !== 'POST' || context.headers['mcp-session-id']) return proxyToHttpUpstream(c.req.raw, server, options, context);
    return initializeOrDetect(c.req.raw, server, options, context);
  };
}

/**
 * Node's request and response, when @hono/node-server serves (always, outside
 * unit tests): headers are read from the raw list, streamed answers written
 * straight to the response.
 */
function requestContext(c: Context): RequestContext & { headers: Record<string, string> } {
  const node = c.env as Partial<HttpBindings> | undefined;
  if (!node?.incoming || !node.outgoing) return { headers: flatHeaders(c.req.raw.headers) };
  return { headers: flatRawHeaders(node.incoming.rawHeaders), outgoing: node.outgoing };
}

/**
 * A session-less POST (an initialize, usually) to a server registered as
 * Streamable HTTP. If the upstream refuses it the way a legacy server does and
 * its URL serves an HTTP+SSE stream, the server is remembered as legacy and
 * the request is bridged, so a modern client can use it anyway.
 */
async function initializeOrDetect(raw: Request, server: ResolvedServer, options: ProxyRouteOptions, context: RequestContext): Promise<Response> {
  const body = new Uint8Array(await raw.arrayBuffer());
  const copy = () => new Request(raw.url, { method: raw.method, headers: raw.headers, body, signal: raw.signal });
  // No Node response here: the answer may yet be dropped for the legacy bridge, so it must not be written early.
  const response = await proxyToHttpUpstream(copy(), server, options, { headers: context.headers });
  if (!NOT_STREAMABLE.has(response.status) || !isInitialize(body)) return response;
  const configured = configuredHeaders(server);
  if (!(await speaksLegacySse(new URL(server.entry.url ?? ''), configured, options.dispatcher))) return response;
  await response.body?.cancel();
  options.verdicts.markLegacy(server.name, server.entry.url ?? '');
  return options.bridge.handle(copy(), asLegacy(server));
}

function asLegacy(server: ResolvedServer): ResolvedServer {
  return { ...server, transport: 'sse' };
}
