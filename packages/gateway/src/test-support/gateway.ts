// Starts a real gateway (real HTTP listener, real SQLite file) in a fresh temp
// home, and reads back what it recorded.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway, type StartOptions } from '../server.js';
import { toMessageRecord, type MessageDbRow } from '../store/rows.js';
import type { MessageRecord } from '../types.js';

export interface TestGateway extends RunningGateway {
  logs: string[];
  /** fetch of `/api<path>` with the gateway token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Headers that carry the gateway token. */
  auth: Record<string, string>;
  /** Flushes the writer and returns every recorded message, oldest first. */
  messages(): MessageRecord[];
  exchanges(): Array<Record<string, unknown>>;
  stderr(): Array<{ server: string; session_id: string | null; line: string }>;
  stop(): Promise<void>;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-gateway-test-'));
}

export async function startTestGateway(
  servers?: Record<string, unknown>,
  home = tempHome(),
  extra: Partial<Pick<StartOptions, 'stdioIdleMs' | 'retentionIntervalMs'>> = {},
): Promise<TestGateway> {
  // Without servers the gateway starts with no mcp.json at all, as on first run.
  if (servers) writeTestRegistry(home, servers);
  const logs: string[] = [];
  const gateway = await startGateway({ home, port: 0, log: (m) => logs.push(m), drainMs: 500, ...extra });
  const read = <T>(sql: string): T[] => {
    gateway.writer.flushSync();
    const db = new Database(join(home, 'logs.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  const auth = { authorization: `Bearer ${gateway.token}` };
  return {
    ...gateway,
    logs,
    auth,
    api: (path, init = {}) => fetch(`${gateway.url}/api${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } }),
    messages: () => read<MessageDbRow>('SELECT * FROM messages ORDER BY id').map(toMessageRecord),
    exchanges: () => read<Record<string, unknown>>('SELECT * FROM exchanges ORDER BY id'),
    stderr: () => read<{ server: string; session_id: string | null; line: string }>('SELECT * FROM stderr_lines ORDER BY id'),
    stop: async () => {
      await gateway.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function writeTestRegistry(home: string, servers: Record<string, unknown>): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: servers }, null, 2), { mode: 0o600 });
}

/** Polls until `check` returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
