import type { MiddlewareHandler } from 'hono';
import { gatewayMade } from './headers.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface HostOriginOptions {
  /** The port the gateway listens on (known only after listen when 0 was asked for). */
  port: () => number;
  /** Extra host names the gateway answers to. */
  extraHosts?: string[];
  /** A request was refused; only which header, never its value (that is the requester's text). */
  onReject?: (header: 'host' | 'origin') => void;
  /**
   * Whether a foreign browser Origin may use this /s/* path (mcp.json's
   * allowedOrigins). Asked only for /s/*: /api and /gateway/mcp never accept one.
   */
  allowedOrigin?: (origin: string, path: string) => boolean;
}

/**
 * Every route: the Host header must name this gateway (a DNS-rebinding page
 * sends its own host name), and a browser Origin, when present, must be this
 * gateway's own origin exactly (scheme, host and port), or on /s/* one that
 * mcp.json allows. Requests without an Origin come from CLIs and IDEs, not
 * from web pages, and pass.
 */
export function hostOriginGuard(options: HostOriginOptions): MiddlewareHandler {
  // The port is known only after listen (port 0), so the set is built on first use, and again only if it changes.
  let built: { port: number; hosts: Set<string> } | null = null;
  const allowed = (port: number): Set<string> => {
    if (built?.port !== port) {
      const names = [...LOOPBACK_NAMES, ...(options.extraHosts ?? [])];
      built = { port, hosts: new Set(names.map((n) => `${n}:${port}`.toLowerCase())) };
    }
    return built.hosts;
  };
  return async (c, next) => {
    const port = options.port();
    const allowedHosts = allowed(port);
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (!allowedHosts.has(host)) {
      options.onReject?.('host');
      return forbidden(c.req.path, `Host ${JSON.stringify(host)} is not this gateway; use http://127.0.0.1:${port}`);
    }
    const origin = c.req.header('origin');
    const foreign = origin !== undefined && !allowedHosts.has(originHost(origin));
    if (foreign && !(c.req.path.startsWith('/s/') && options.allowedOrigin?.(origin, c.req.path))) {
      options.onReject?.('origin');
      return forbidden(c.req.path, `Origin ${JSON.stringify(origin)} may not use this gateway`);
    }
    await next();
  };
}

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:') return '';
    return `${url.hostname}:${url.port || '80'}`.toLowerCase();
  } catch {
    return '';
  }
}

function forbidden(path: string, message: string): Response {
  // MCP clients read JSON-RPC errors; everything else gets the API's error shape.
  const body = path.startsWith('/s/')
    ? { jsonrpc: '2.0', id: null, error: { code: -32000, message } }
    : { error: { code: 'forbidden', message } };
  return gatewayMade(new Response(JSON.stringify(body), { status: 403, headers: { 'content-type': 'application/json' } }));
}
