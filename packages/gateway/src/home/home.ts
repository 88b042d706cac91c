import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the gateway keeps `mcp.json`, `logs.db` and its token: --home, else MCP_GATEWAY_HOME, else ~/.mcp-gateway. */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.MCP_GATEWAY_HOME;
  return chosen ? resolve(chosen) : join(homedir(), '.mcp-gateway');
}

export interface HomePaths {
  dir: string;
  registry: string;
  database: string;
  runtime: string;
  /** The API token of the running gateway (0600), for the CLI. */
  token: string;
}

export function homePaths(dir: string): HomePaths {
  return {
    dir,
    registry: join(dir, 'mcp.json'),
    database: join(dir, 'logs.db'),
    runtime: join(dir, 'gateway.json'),
    token: join(dir, 'token'),
  };
}

/**
 * Creates the home folder private to this user. The umask is tightened first so
 * that every file created afterwards (SQLite's -wal and -shm included, which
 * SQLite creates lazily) starts life as 0600 rather than being fixed up later.
 */
export function ensurePrivateHome(dir: string): HomePaths {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir ignores the mode for a folder that already exists: repair it.
  chmodSync(dir, 0o700);
  return homePaths(dir);
}

/** Repairs modes of files an older version or another tool may have left readable. */
export function restrictFiles(paths: string[]): void {
  for (const p of paths) {
    if (existsSync(p)) chmodSync(p, 0o600);
  }
}
