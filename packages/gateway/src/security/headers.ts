import type { MiddlewareHandler } from 'hono';

// No inline script or style: the UI is built to files, so an injected
// <script> in a recorded message has nothing to run under.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every response the gateway makes itself (API, UI,
 * errors). Responses proxied from an upstream under /s/ keep exactly the
 * headers the upstream sent: the client must not be able to tell the gateway
 * is there.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.path.startsWith('/s/') && !GATEWAY_MADE.has(c.res)) return;
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('content-security-policy')) c.header('Content-Security-Policy', CSP);
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') c.header('Cache-Control', 'no-store');
  };
}

const GATEWAY_MADE = new WeakSet<Response>();

/** Marks a response under /s/ that the gateway wrote itself (an error), so it gets the headers too. */
export function gatewayMade(response: Response): Response {
  GATEWAY_MADE.add(response);
  return response;
}
