import { readFileSync, statSync } from 'node:fs';
import {
  appendAudit,
  ensurePrivateHome,
  findRunningGateway,
  highestId,
  insertImport,
  MAX_IMPORT_BYTES,
  parseExport,
  resolveHome,
  type ImportResult,
} from '@mcp-gateway/gateway';
import { withDatabase } from '../database.js';
import { UsageError } from '../errors.js';
import { callGateway, GatewayRefused } from '../gateway-api.js';
import { plural } from '../format.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export interface ImportLogsOptions extends GlobalOptions {
  file: string;
}

/**
 * Imports a JSONL export: through the running gateway when there is one (its
 * writer hands out the ids and live views see the messages), else straight
 * into logs.db. All lines or none.
 */
export async function importLogs(options: ImportLogsOptions): Promise<void> {
  const text = readExport(options.file);
  const paths = ensurePrivateHome(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  let result: ImportResult;
  if (running) {
    try {
      result = await callGateway<ImportResult>(running, 'POST', '/import', { body: text, timeoutMs: 10 * 60_000 });
    } catch (error) {
      if (error instanceof GatewayRefused && error.code === 'bad_import') throw new UsageError(`${options.file}: ${error.apiMessage}`);
      throw error;
    }
  } else {
    result = importDirectly(paths.database, options.file, text);
  }
  const ids = result.firstId === null ? '' : ` (ids ${result.firstId}-${result.lastId})`;
  const via = running ? ` through the gateway at ${running.url}` : '';
  say(`Imported ${plural(result.imported, 'message')}${ids}${via}.`);
}

function readExport(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (size > MAX_IMPORT_BYTES) {
    throw new UsageError(`${file} is ${Math.ceil(size / 1024 / 1024)} MiB; an import is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB, split it`);
  }
  return readFileSync(file, 'utf8');
}

function importDirectly(database: string, file: string, text: string): ImportResult {
  const { lines, errors } = parseExport(text);
  if (errors.length > 0) {
    throw new UsageError(`${file}: nothing imported: ${errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  }
  return withDatabase(database, 'write', (sqlite) => {
    let next = highestId(sqlite, 'messages');
    const rows = insertImport(sqlite, lines, () => ++next);
    const result: ImportResult = { imported: rows.length, firstId: rows[0]?.id ?? null, lastId: rows[rows.length - 1]?.id ?? null };
    appendAudit(sqlite, { event: 'logs.imported', subject: null, detail: { ...result }, source: 'cli' });
    return result;
  });
}
