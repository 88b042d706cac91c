import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeAtomic } from '../fs/atomic.js';

/** Tokens the gateway writes: 32 random bytes, base64url. A file holding anything shorter or stranger is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,512}$/;

export class TokenError extends Error {
  override name = 'TokenError';
}

export interface GatewayTokenOptions {
  /** `<home>/token` (0600). */
  file: string;
  env?: NodeJS.ProcessEnv;
  /** A token given by the caller (tests, embedders): used like MCP_GATEWAY_TOKEN. */
  explicit?: string;
}

/**
 * The gateway's API token. Created once and kept in `<home>/token`, so clients
 * that put it in their config (the `/gateway/mcp` header) and a signed-in
 * inspector tab keep working across restarts; MCP_GATEWAY_TOKEN overrides it
 * and then nothing is written. Read per request through `value`, so a rotation
 * takes effect at once.
 */
export class GatewayToken {
  private current: string;

  private constructor(
    private readonly file: string,
    initial: string,
    readonly fromEnvironment: boolean,
  ) {
    this.current = initial;
  }

  static load(options: GatewayTokenOptions): GatewayToken {
    const configured = options.explicit ?? (options.env ?? process.env).MCP_GATEWAY_TOKEN;
    if (configured !== undefined && configured.length > 0) {
      if (configured.length < 16) throw new TokenError('MCP_GATEWAY_TOKEN must be at least 16 characters');
      return new GatewayToken(options.file, configured, true);
    }
    const kept = readToken(options.file);
    if (kept !== null) return new GatewayToken(options.file, kept, false);
    const token = new GatewayToken(options.file, newToken(), false);
    writeAtomic(options.file, `${token.value}\n`);
    return token;
  }

  get value(): string {
    return this.current;
  }

  /** A new token, written to `<home>/token`; the old one is refused from now on. */
  rotate(): string {
    if (this.fromEnvironment) throw new TokenError('The token comes from MCP_GATEWAY_TOKEN; change that variable (and restart) to change it');
    const next = newToken();
    writeAtomic(this.file, `${next}\n`);
    this.current = next;
    return next;
  }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The kept token, or null when the file is missing or holds no token of the gateway's shape. */
export function readToken(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  return TOKEN_SHAPE.test(text) ? text : null;
}
