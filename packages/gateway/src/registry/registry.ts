import { statSync } from 'node:fs';
import { readRegistry, updateRegistry } from './file.js';
import {
  describeIssues,
  serverEntrySchema,
  serverNameSchema,
  settingsOf,
  transportOf,
  type GatewaySettings,
  type RegistryFile,
  type ServerEntry,
} from './schema.js';
import type { ServerTransport } from '../types.js';

export interface ResolvedServer {
  name: string;
  transport: ServerTransport;
  entry: ServerEntry;
}

export interface RegistryChange {
  servers: ResolvedServer[];
  error: string | null;
}

/** Thrown for a request that cannot be applied (bad name, duplicate, missing). */
export class RegistryInputError extends Error {
  override name = 'RegistryInputError';
}

export function resolveServers(file: RegistryFile): ResolvedServer[] {
  return Object.entries(file.mcpServers).map(([name, entry]) => ({ name, entry, transport: transportOf(entry) }));
}

export function validateEntry(name: string, entry: unknown): ServerEntry {
  const nameCheck = serverNameSchema.safeParse(name);
  if (!nameCheck.success) throw new RegistryInputError(`invalid server name ${JSON.stringify(name)}: ${describeIssues(nameCheck.error)}`);
  const parsed = serverEntrySchema.safeParse(entry);
  if (!parsed.success) throw new RegistryInputError(`invalid server "${name}": ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Adds or replaces one entry. `replace: false` refuses to overwrite an existing name. */
export async function putServer(
  file: string,
  name: string,
  entry: unknown,
  options: { replace: boolean },
): Promise<ServerEntry> {
  const valid = validateEntry(name, entry);
  await updateRegistry(file, (raw, parsed) => {
    const servers = raw.mcpServers as Record<string, unknown>;
    if (!options.replace && name in parsed.mcpServers) {
      throw new RegistryInputError(`server "${name}" already exists; remove it first or choose another name`);
    }
    const clash = Object.keys(parsed.mcpServers).find((n) => n !== name && n.toLowerCase() === name.toLowerCase());
    if (clash) throw new RegistryInputError(`server "${clash}" already exists and differs from "${name}" only in case`);
    servers[name] = valid;
  });
  return valid;
}

export async function deleteServer(file: string, name: string): Promise<void> {
  await updateRegistry(file, (raw, parsed) => {
    if (!(name in parsed.mcpServers)) {
      const known = Object.keys(parsed.mcpServers);
      throw new RegistryInputError(
        `no server named "${name}"${known.length ? `; registered: ${known.join(', ')}` : '; none is registered'}`,
      );
    }
    delete (raw.mcpServers as Record<string, unknown>)[name];
  });
}

export interface LiveRegistryOptions {
  file: string;
  /** How often the file is checked for changes by other processes (the CLI). */
  pollMs?: number;
  onError?: (message: string) => void;
}

/**
 * The registry as the running gateway sees it: read once, then re-read when
 * the file changes. A change that does not parse keeps the last good servers
 * and reports the error, so a half-typed edit never takes the gateway down.
 */
export class LiveRegistry {
  private servers = new Map<string, ResolvedServer>();
  private current: GatewaySettings = settingsOf({ mcpServers: {} });
  private error: string | null = null;
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly options: LiveRegistryOptions;
  /** What the file looked like when it was last read; a poll that sees anything else re-reads it. */
  private seen: string;
  private readonly poller: NodeJS.Timeout;

  constructor(options: LiveRegistryOptions) {
    this.options = options;
    // The stat is taken before the read, synchronously, so a write landing
    // between the read and the first poll is still seen as a change. (fs.watchFile
    // takes its first stat later, on the thread pool, and missed such writes.)
    this.seen = fingerprint(options.file);
    // The first read throws: a gateway must not start on a broken registry.
    this.apply(readRegistry(options.file).parsed);
    this.poller = setInterval(() => this.poll(), options.pollMs ?? 200);
    this.poller.unref();
  }

  get(name: string): ResolvedServer | undefined {
    return this.servers.get(name);
  }

  list(): ResolvedServer[] {
    return [...this.servers.values()];
  }

  names(): string[] {
    return [...this.servers.keys()];
  }

  settings(): GatewaySettings {
    return this.current;
  }

  lastError(): string | null {
    return this.error;
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file; `seen` is its fingerprint when the caller has just taken it. */
  reload(seen = fingerprint(this.options.file)): void {
    this.seen = seen;
    try {
      this.apply(readRegistry(this.options.file).parsed);
      this.error = null;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.error) this.options.onError?.(`registry not reloaded, keeping the previous servers: ${message}`);
      this.error = message;
    }
    for (const listener of this.listeners) listener({ servers: this.list(), error: this.error });
  }

  close(): void {
    clearInterval(this.poller);
    this.listeners.clear();
  }

  private poll(): void {
    const now = fingerprint(this.options.file);
    if (now !== this.seen) this.reload(now);
  }

  private apply(file: RegistryFile): void {
    this.servers = new Map(resolveServers(file).map((s) => [s.name, s]));
    this.current = settingsOf(file);
  }
}

/**
 * Identity, size and times in nanoseconds: the registry is replaced by rename,
 * so a new inode shows even a same-size write within one mtime tick.
 */
function fingerprint(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    return `absent:${(error as NodeJS.ErrnoException).code ?? 'unknown'}`;
  }
}
