import { openDatabase } from '@mcp-gateway/gateway';
import { CliError } from './errors.js';
import { isStorageError, storageProblem } from './gateway-errors.js';

export type Sqlite = ReturnType<typeof openDatabase>['sqlite'];

/**
 * Runs `work` on logs.db and closes it. Read-only never blocks a running
 * gateway's writer and never migrates; SQLite's own errors (damaged, locked,
 * read-only file) become one line naming the file.
 */
export function withDatabase<T>(file: string, mode: 'read' | 'write', work: (sqlite: Sqlite) => T): T {
  try {
    const { sqlite } = openDatabase(file, { readonly: mode === 'read' });
    try {
      return work(sqlite);
    } finally {
      sqlite.close();
    }
  } catch (error) {
    if (isStorageError(error)) throw new CliError(storageProblem(file, error));
    throw error;
  }
}
