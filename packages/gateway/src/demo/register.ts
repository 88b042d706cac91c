import { readRegistry } from '../registry/file.js';
import { putServer, RegistryInputError } from '../registry/registry.js';
import type { ServerEntry } from '../registry/schema.js';
import { DEMO_SERVER_NAME } from './server.js';

/** The word in the demo entry's arguments that runs the demo server (`mcp-gateway demo-server`). */
export const DEMO_SERVER_COMMAND = 'demo-server';

/** An entry that runs the demo server, whichever path it was registered with. */
export function isDemoEntry(entry: ServerEntry | undefined): boolean {
  return entry?.command !== undefined && (entry.args ?? []).includes(DEMO_SERVER_COMMAND);
}

/**
 * Registers (or refreshes) server "demo" in mcp.json. A server of that name
 * that is not the demo is never replaced without `force`.
 */
export async function registerDemoServer(registryFile: string, entry: ServerEntry, options: { force?: boolean } = {}): Promise<'added' | 'updated' | 'unchanged'> {
  const existing = readRegistry(registryFile).parsed.mcpServers[DEMO_SERVER_NAME];
  if (existing && !isDemoEntry(existing) && !options.force) {
    throw new RegistryInputError(`a server named "${DEMO_SERVER_NAME}" is already registered and is not the demo; remove it first, or replace it with --force`);
  }
  if (existing && JSON.stringify(existing) === JSON.stringify(entry)) return 'unchanged';
  await putServer(registryFile, DEMO_SERVER_NAME, entry, { replace: true });
  return existing ? 'updated' : 'added';
}
