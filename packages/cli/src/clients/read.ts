import { readFileSync } from 'node:fs';
import { ConfigFileError, jsonDocument, type ConfigDocument } from './json-document.js';
import { tomlDocument } from './toml-document.js';
import type { ClientAdapter, ClientContext, ConfigLocation, Translation } from './types.js';

/** One server found in a client's file, and what the gateway would make of it. */
export interface FoundServer {
  location: ConfigLocation;
  /** Its name in the client's file. */
  clientName: string;
  raw: Record<string, unknown>;
  translation: Translation;
}

/** A client file as read: its bytes (for the backup and the unchanged check) and the document to edit. */
export interface ReadFile {
  file: string;
  bytes: Buffer;
  document: ConfigDocument;
}

export interface ClientConfig {
  files: Map<string, ReadFile>;
  servers: FoundServer[];
  /** Files looked for and not there. */
  missing: string[];
}

function at(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Reads every file of a client (or just `--file`), all before anything is
 * written: a file that does not parse stops the whole import.
 */
export function readClientConfig(adapter: ClientAdapter, context: ClientContext, file?: string): ClientConfig {
  const locations = file ? adapter.fileLocations(file, context) : adapter.locations(context);
  const files = new Map<string, ReadFile>();
  const missing: string[] = [];
  const servers: FoundServer[] = [];
  // Run from the home folder, the project file is the user file: read each place once.
  const places = new Set<string>();
  for (const location of locations) {
    const place = [location.file, ...location.container].join('\0');
    if (places.has(place)) continue;
    places.add(place);
    let read = files.get(location.file);
    if (!read) {
      if (missing.includes(location.file)) continue;
      let bytes: Buffer;
      try {
        bytes = readFileSync(location.file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          missing.push(location.file);
          continue;
        }
        throw new ConfigFileError(`${location.file} cannot be read (${(error as Error).message}); check its permissions, nothing was changed`);
      }
      const text = bytes.toString('utf8');
      const document = adapter.format === 'toml' ? tomlDocument(location.file, text, adapter.label) : jsonDocument(location.file, text, adapter.label);
      read = { file: location.file, bytes, document };
      files.set(location.file, read);
    }
    const container = at(read.document.value, location.container);
    if (container === undefined) continue;
    if (typeof container !== 'object' || container === null || Array.isArray(container)) {
      throw new ConfigFileError(`${location.file}: "${location.container.join('.')}" must be an object of servers; fix it in ${adapter.label} or an editor, nothing was changed`);
    }
    for (const [clientName, raw] of Object.entries(container)) {
      const translation: Translation =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw)
          ? adapter.translate(raw as Record<string, unknown>, { ...context, location })
          : { ok: false, reason: 'is not an object' };
      servers.push({ location, clientName, raw: (raw ?? {}) as Record<string, unknown>, translation });
    }
  }
  if (file && files.size === 0) throw new ConfigFileError(`${file} does not exist; check the path given to --file, nothing was changed`);
  if (files.size === 0) {
    throw new ConfigFileError(
      `no ${adapter.label} config found (looked for ${missing.join(' and ')}); pass --file PATH to read another file${locations.some((l) => l.scope === 'project') ? ', or --project DIR for a project' : ''}`,
    );
  }
  return { files, servers, missing };
}
