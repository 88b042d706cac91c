import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { gatewayMade } from './headers.js';

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The credential of an `Authorization: Bearer <credential>` header, if that is what it holds. */
export function bearerCredential(headers: Headers): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '')?.[1] ?? null;
}

/** The token a request presents: the gateway's own header, else `Authorization: Bearer <token>`. */
export function presentedToken(headers: Headers): string | null {
  return headers.get('x-mcp-gateway-token') || bearerCredential(headers);
}

export interface TokenGuardOptions {
  /** Read per request: a rotation takes effect at once. */
  token: () => string;
  /** Where the user finds the token, for the refusal's message. */
  tokenFile?: string;
  onFailure?: (reason: string) => void;
}

/**
 * Requires the gateway token on the API, reads included: recorded traffic is
 * as sensitive as the credentials in it, and another local user can reach a
 * loopback port as easily as the owner.
 */
export function requireToken(options: TokenGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const presented = presentedToken(c.req.raw.headers);
    if (presented === null || !tokensEqual(presented, options.token())) {
      options.onFailure?.(presented === null ? 'no token' : 'wrong token');
      return unauthorized(options.tokenFile);
    }
    await next();
  };
}

export function unauthorized(tokenFile = '<home>/token'): Response {
  const message = `This needs the gateway token: send "Authorization: Bearer <token>" (the token is in ${tokenFile}, \`mcp-gateway token\` prints it, or open the UI link the gateway printed)`;
  return gatewayMade(
    new Response(JSON.stringify({ error: { code: 'unauthorized', message } }), {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="mcp-gateway"' },
    }),
  );
}
