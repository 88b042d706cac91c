import { readFileSync, realpathSync, statSync } from 'node:fs';
import { writeAtomic } from '@mcp-gateway/gateway';
import { Backups, type RewriteRecord } from './backups.js';
import { ConfigFileError, jsonDocument } from './json-document.js';
import type { PlannedServer } from './plan.js';
import type { ClientConfig } from './read.js';
import { tomlDocument } from './toml-document.js';
import type { ClientAdapter, RewriteTarget } from './types.js';

export interface RewriteOptions {
  adapter: ClientAdapter;
  config: ClientConfig;
  /** Only servers that were registered (or already were, identically) are rewritten. */
  plans: PlannedServer[];
  target: (name: string) => RewriteTarget;
  backups: Backups;
}

export interface RewrittenFile {
  file: string;
  servers: string[];
  record: RewriteRecord;
}

/**
 * Points each imported entry at the gateway in the client's own shape, file by
 * file: the original is copied to <home>/backups first, then the new text
 * replaces the file atomically, with the file's own permissions.
 */
export function rewriteClientFiles(options: RewriteOptions): RewrittenFile[] {
  const { adapter, config, backups } = options;
  const done: RewrittenFile[] = [];
  for (const read of config.files.values()) {
    const mine = options.plans.filter((p) => p.action !== 'skip' && p.found.location.file === read.file);
    if (mine.length === 0) continue;
    const edits = mine.map((p) => ({
      container: p.found.location.container,
      name: p.found.clientName,
      edit: adapter.rewrite(p.found.raw, options.target(p.name), p.clientHeaders),
    }));
    const original = read.bytes;
    if (!Buffer.from(original.toString('utf8'), 'utf8').equals(original)) {
      throw new ConfigFileError(`${read.file} is not UTF-8 text, so it cannot be rewritten byte for byte; edit it by hand, nothing was changed`);
    }
    const text = read.document.edit(edits);
    // What is written must still be a file the client can read.
    if (adapter.format === 'toml') tomlDocument(read.file, text, adapter.label);
    else jsonDocument(read.file, text, adapter.label);
    // A dotfile manager's symlink stays a symlink: the file it points to is the one replaced.
    const real = realpathSync(read.file);
    if (!readFileSync(real).equals(original)) {
      throw new ConfigFileError(`${read.file} changed while the import ran (is ${adapter.label} writing it?); run the import again`);
    }
    const rewritten = Buffer.from(text, 'utf8');
    const mode = statSync(real).mode & 0o777;
    const record = backups.save(adapter.id, real, original, rewritten, mode);
    writeAtomic(real, rewritten, { mode });
    done.push({ file: read.file, servers: mine.map((p) => p.name), record });
  }
  return done;
}
