import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeAtomic } from '../fs/atomic.js';
import { processAlive } from '../home/runtime.js';
import { SERVER_NAME_PATTERN, describeIssues, registryFileSchema, type RegistryFile } from './schema.js';

/** A registry file that cannot be used. The message names the file and the problem. */
export class RegistryError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'RegistryError';
  }
}

/** The raw JSON document (unknown keys kept) and its validated view. */
export interface LoadedRegistry {
  raw: Record<string, unknown>;
  parsed: RegistryFile;
}

export function readRegistry(file: string): LoadedRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { raw: { mcpServers: {} }, parsed: { mcpServers: {} } };
    throw new RegistryError(file, `cannot be read (${(error as Error).message})`);
  }
  return parseRegistry(file, text);
}

export function parseRegistry(file: string, text: string): LoadedRegistry {
  if (text.trim() === '') return { raw: { mcpServers: {} }, parsed: { mcpServers: {} } };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RegistryError(file, `is not valid JSON (${(error as Error).message}); fix it or move it away, it is never overwritten`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RegistryError(file, 'must hold a JSON object like {"mcpServers": {...}}');
  }
  const result = registryFileSchema.safeParse(raw);
  if (!result.success) throw new RegistryError(file, `is invalid: ${describeIssues(result.error)}`);
  for (const name of Object.keys(result.data.mcpServers)) {
    if (!SERVER_NAME_PATTERN.test(name)) {
      throw new RegistryError(
        file,
        `server name ${JSON.stringify(name)} is invalid: use 1-64 letters, digits, "-" or "_", starting with a letter or digit`,
      );
    }
  }
  return { raw: raw as Record<string, unknown>, parsed: result.data };
}

const LOCK_STALE_MS = 10_000;
const LOCK_TIMEOUT_MS = 5_000;

/**
 * Read-modify-write under a lock file, then an atomic rename: the CLI and a
 * running gateway may both write, and neither may lose the other's entry.
 */
export async function updateRegistry(
  file: string,
  mutate: (raw: Record<string, unknown>, parsed: RegistryFile) => void,
): Promise<RegistryFile> {
  const release = await acquireLock(`${file}.lock`);
  try {
    const { raw, parsed } = readRegistry(file);
    if (typeof raw.mcpServers !== 'object' || raw.mcpServers === null) raw.mcpServers = {};
    mutate(raw, parsed);
    const validated = parseRegistry(file, JSON.stringify(raw));
    writeAtomic(file, `${JSON.stringify(raw, null, 2)}\n`);
    return validated.parsed;
  } finally {
    release();
  }
}

async function acquireLock(lock: string): Promise<() => void> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // Already gone: a stale-lock breaker removed it; nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(lock)) {
      try {
        unlinkSync(lock);
      } catch {
        // Another waiter broke it first.
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${lock} is held by another process; if no mcp-gateway command is running, delete it`);
    }
    await sleep(5 + Math.random() * 15);
  }
}

function isStale(lock: string): boolean {
  try {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) return true;
    return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false;
  }
}
