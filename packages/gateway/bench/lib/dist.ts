// The built gateway modules (dist), imported at run time so the bench measures what ships.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { GATEWAY_DIR } from './procs.js';

export const DIST = join(GATEWAY_DIR, 'dist');

export async function importDist<T>(relative: string): Promise<T> {
  const file = join(DIST, relative);
  if (!existsSync(file)) throw new Error(`${file} is missing; run pnpm build`);
  return (await import(pathToFileURL(file).href)) as T;
}

export interface DistDb {
  openDatabase(file: string, options?: { busyTimeoutMs?: number; readonly?: boolean }): { sqlite: Database.Database };
}

export interface DistWriter {
  Writer: new (options: { sqlite: Database.Database; workerFile?: string; onError?: (m: string) => void }) => {
    ready(): Promise<void>;
    allocateMessageId(): number;
    allocateExchangeId(): number;
    enqueue(op: unknown): void;
    flush(): Promise<void>;
    flushSync(): void;
    close(): Promise<void>;
    health(): { pendingWrites: number; droppedWrites: number; ok: boolean };
  };
}
