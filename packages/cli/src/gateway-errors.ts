import { GatewayStartError, RegistryError, RegistryInputError } from '@mcp-gateway/gateway';
import { UsageError } from './errors.js';

/**
 * The gateway's "you can fix this" errors (bad registry file, bad input, port
 * in use, non-loopback host) become usage errors: their messages already name
 * the file or the fix, and they exit 2. Anything else stays a failure.
 */
export function asUsageError(error: unknown): unknown {
  if (error instanceof RegistryError || error instanceof RegistryInputError || error instanceof GatewayStartError) {
    return new UsageError(error.message);
  }
  return error;
}

/** better-sqlite3 errors carry SQLITE_* codes: logs.db is damaged, not a database, locked or read-only. */
export function isStorageError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** One line naming the database file; the way out of a damaged file is to move it away. */
export function storageProblem(file: string, error: Error & { code: string }): string {
  const damaged = error.code.startsWith('SQLITE_NOTADB') || error.code.startsWith('SQLITE_CORRUPT');
  return `${file}: ${error.message}${damaged ? '; move the file away and the gateway starts a new log' : ''}`;
}
