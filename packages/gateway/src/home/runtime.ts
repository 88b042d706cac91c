import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeAtomic } from '../fs/atomic.js';
import { homePaths } from './home.js';

/** What a running gateway writes to `<home>/gateway.json`, so the CLI can find it. */
export interface RuntimeInfo {
  pid: number;
  url: string;
  host: string;
  port: number;
  version: string;
}

/** A gateway found running, with the token its API wants (from `<home>/token`). */
export interface RunningInfo extends RuntimeInfo {
  token: string;
}

export function readRuntimeFile(file: string): RuntimeInfo | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Missing, or half-written by a gateway starting right now: treat as not running.
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const info = value as Partial<Record<keyof RuntimeInfo, unknown>>;
  if (typeof info.pid !== 'number' || typeof info.url !== 'string' || typeof info.port !== 'number') return null;
  return {
    pid: info.pid,
    url: info.url,
    port: info.port,
    host: typeof info.host === 'string' ? info.host : '127.0.0.1',
    version: typeof info.version === 'string' ? info.version : 'unknown',
  };
}

export function writeRuntimeFile(file: string, info: RuntimeInfo): void {
  writeAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the file only if it still describes this gateway (another may have started since). */
export function removeRuntimeFile(file: string, mine: RuntimeInfo): void {
  const current = readRuntimeFile(file);
  if (current && current.pid === mine.pid && current.url === mine.url) rmSync(file, { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The gateway serving this home, if one is up. A gateway that crashed or was
 * killed leaves gateway.json behind, and its pid may since have been reused,
 * so the pid check is confirmed by asking the URL itself.
 */
export async function findRunningGateway(runtimeFile: string, timeoutMs = 1500): Promise<RunningInfo | null> {
  const info = readRuntimeFile(runtimeFile);
  if (!info || !processAlive(info.pid)) return null;
  // MCP_GATEWAY_TOKEN wins over the file, as it does for the gateway (which then writes none).
  let token = process.env.MCP_GATEWAY_TOKEN ?? '';
  if (token === '') {
    try {
      token = readFileSync(homePaths(dirname(runtimeFile)).token, 'utf8').trim();
    } catch {
      return null;
    }
  }
  try {
    const response = await fetch(`${info.url}/api/health`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? { ...info, token } : null;
  } catch {
    return null;
  }
}
