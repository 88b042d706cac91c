import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeAtomic } from '@mcp-gateway/gateway';
import type { ClientId } from './types.js';

/** One rewrite of one client file: where its original went, and what the rewrite left, to tell later edits apart. */
export interface RewriteRecord {
  client: ClientId;
  /** The file rewritten (symlinks resolved). */
  file: string;
  /** The original's copy, a file name in <home>/backups/. */
  backup: string;
  /** The file's permission bits, put back with it. */
  mode: number;
  /** sha256 of the bytes before and after the rewrite. */
  before: string;
  after: string;
  at: string;
}

interface Manifest {
  version: 1;
  rewrites: RewriteRecord[];
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * `<home>/backups/`: a copy of each client file before each rewrite (0600:
 * they hold the secrets the rewrite moved into mcp.json), and `rewrites.json`,
 * which `restore` reads. Records of one file are kept in order, oldest first.
 */
export class Backups {
  readonly dir: string;
  private readonly manifest: string;

  constructor(home: string) {
    this.dir = join(home, 'backups');
    this.manifest = join(this.dir, 'rewrites.json');
  }

  records(): RewriteRecord[] {
    let text: string;
    try {
      text = readFileSync(this.manifest, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<Manifest>;
    return Array.isArray(parsed.rewrites) ? parsed.rewrites : [];
  }

  /** Copies the original away first; only then may the caller write the rewritten file. */
  save(client: ClientId, file: string, original: Buffer, rewritten: Buffer, mode: number): RewriteRecord {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const backup = `${client}-${stamp}-${sha256(original).slice(0, 8)}-${basename(file)}`;
    writeAtomic(join(this.dir, backup), original, { mode: 0o600 });
    const record: RewriteRecord = { client, file, backup, mode, before: sha256(original), after: sha256(rewritten), at: new Date().toISOString() };
    this.write([...this.records(), record]);
    return record;
  }

  read(record: RewriteRecord): Buffer {
    return readFileSync(join(this.dir, record.backup));
  }

  path(record: RewriteRecord): string {
    return join(this.dir, record.backup);
  }

  /** Forgets records once their file is restored (the backup files stay). */
  forget(done: RewriteRecord[]): void {
    const gone = new Set(done.map((r) => `${r.file}\0${r.backup}`));
    this.write(this.records().filter((r) => !gone.has(`${r.file}\0${r.backup}`)));
  }

  private write(rewrites: RewriteRecord[]): void {
    writeAtomic(this.manifest, `${JSON.stringify({ version: 1, rewrites } satisfies Manifest, null, 2)}\n`, { mode: 0o600 });
  }
}
