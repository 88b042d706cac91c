import { appendAudit, openDatabase, type AuditEntry, type HomePaths } from '@mcp-gateway/gateway';
import { warn } from './output.js';

/**
 * An administrative act the CLI did itself (no gateway saw it), written to the
 * audit log in logs.db. A failure to write it is reported, never fatal: the
 * act itself already happened.
 */
export function auditFromCli(paths: HomePaths, entry: Omit<AuditEntry, 'timestamp' | 'source'>): void {
  try {
    const { sqlite } = openDatabase(paths.database);
    try {
      appendAudit(sqlite, { ...entry, source: 'cli' });
    } finally {
      sqlite.close();
    }
  } catch (error) {
    warn(`note: could not write the audit log in ${paths.database}: ${(error as Error).message}`);
  }
}
