import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeSync, existsSync, openSync } from 'node:fs';
import { restrictFiles } from '../home/home.js';
import { PACKAGE_FILES } from '../package-files.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
}

const MIGRATIONS = PACKAGE_FILES.migrations;

export interface OpenDatabaseOptions {
  readonly?: boolean;
  /**
   * How long a statement waits for another connection's lock. better-sqlite3
   * blocks the thread while it waits, so the gateway keeps this short and lets
   * the writer retry instead; the CLI can afford to wait.
   */
  busyTimeoutMs?: number;
  /** Apply pending migrations (default true); the storage writer thread opens a file the gateway has already migrated. */
  migrate?: boolean;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  if (!options.readonly && file !== ':memory:') {
    // SQLite gives -wal and -shm the main file's mode: create it 0600 first.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    restrictFiles([file, `${file}-wal`, `${file}-shm`, `${file}-journal`]);
  }
  const sqlite = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (!options.readonly) {
    // Only takes effect on a new, empty file; lets "clear" give space back without a full VACUUM.
    sqlite.pragma('auto_vacuum = INCREMENTAL');
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a process crash loses nothing committed; only power loss can.
    sqlite.pragma('synchronous = NORMAL');
    // Statement journals (every insert fires triggers) in memory rather than in
    // temporary files: about 1.6x the writer's throughput. clear.ts switches
    // back to files around a full VACUUM, whose copy would otherwise be in RAM.
    sqlite.pragma('temp_store = MEMORY');
  }
  const db = drizzle(sqlite, { schema });
  if (!options.readonly && options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS });
  return { db, sqlite };
}
