import { existsSync } from 'node:fs';
import { findRunningGateway, homePaths, readAudit, resolveHome, type AuditPage, type AuditRecord } from '@mcp-gateway/gateway';
import { withDatabase } from '../database.js';
import { table } from '../format.js';
import { callGateway } from '../gateway-api.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export interface AuditOptions extends GlobalOptions {
  limit: number;
  json?: boolean;
}

/**
 * The newest audit entries, printed oldest first (like `logs tail`): asked of
 * the running gateway, whose writer may still hold the latest ones, else read
 * from logs.db.
 */
export async function showAudit(options: AuditOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  const empty: AuditPage = { entries: [], hasMore: false, next: null };
  const page = running
    ? await callGateway<AuditPage>(running, 'GET', `/audit?limit=${options.limit}`)
    : existsSync(paths.database)
      ? withDatabase(paths.database, 'read', (sqlite) => readAudit(sqlite, { limit: options.limit }))
      : empty;
  const entries = [...page.entries].reverse();
  if (options.json) {
    say(JSON.stringify(entries, null, 2));
    return;
  }
  if (entries.length === 0) {
    say('No audit entries yet.');
    return;
  }
  for (const line of table(entries.map(auditRow))) say(line);
}

function auditRow(entry: AuditRecord): string[] {
  const detail = Object.entries(entry.detail).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  return [new Date(entry.timestamp).toISOString(), entry.event, entry.subject ?? '-', entry.source, detail.join(' ')];
}
