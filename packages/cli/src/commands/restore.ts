import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolveHome, writeAtomic } from '@mcp-gateway/gateway';
import { Backups, sha256, type RewriteRecord } from '../clients/backups.js';
import { ADAPTERS } from '../clients/index.js';
import { tildePath } from '../clients/paths.js';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';
import { adapterFor } from './client-import.js';

export interface RestoreOptions extends GlobalOptions {
  client?: string;
  all?: boolean;
  force?: boolean;
}

interface FilePlan {
  file: string;
  /** The records undone, newest first; the last one's backup is what the file becomes. */
  undone: RewriteRecord[];
  changed: boolean;
}

function current(file: string): Buffer | null {
  try {
    return readFileSync(existsSync(file) ? realpathSync(file) : file);
  } catch {
    return null;
  }
}

/**
 * Unwinds the rewrites of one file, newest first, as long as each left the
 * file as the next older rewrite found it: the file goes back to what it was
 * before the first rewrite the chain reaches. A file edited since the newest
 * rewrite is `changed`; `--force` restores it anyway (its current bytes are
 * backed up first).
 */
function planFile(file: string, records: RewriteRecord[]): FilePlan {
  const now = current(file);
  const newest = records[records.length - 1] as RewriteRecord;
  const changed = now === null || sha256(now) !== newest.after;
  const undone: RewriteRecord[] = [newest];
  for (let i = records.length - 2; i >= 0; i--) {
    const older = records[i] as RewriteRecord;
    if (older.after !== (undone[undone.length - 1] as RewriteRecord).before) break;
    undone.push(older);
  }
  return { file, undone, changed };
}

export async function restoreClient(options: RestoreOptions): Promise<void> {
  if (options.all && options.client) throw new UsageError('give a client or --all, not both');
  if (!options.all && !options.client) throw new UsageError('name the client to restore (e.g. mcp-gateway restore cursor), or pass --all');
  const home = resolveHome(options.home);
  const backups = new Backups(home);
  const adapter = options.client ? adapterFor(options.client) : null;
  const records = backups.records().filter((r) => !adapter || r.client === adapter.id);
  if (records.length === 0) {
    if (adapter) throw new UsageError(`nothing to restore for ${adapter.label}: no rewrite of its files is recorded in ${backups.dir}`);
    say(`Nothing to restore: no rewrite is recorded in ${backups.dir}.`);
    return;
  }
  const byFile = new Map<string, RewriteRecord[]>();
  for (const record of records) byFile.set(record.file, [...(byFile.get(record.file) ?? []), record]);
  const plans = [...byFile].map(([file, list]) => planFile(file, list));

  // All or nothing: every file is checked before any is written.
  const changed = plans.filter((p) => p.changed);
  if (changed.length > 0 && !options.force) {
    const first = changed[0] as FilePlan;
    const newest = first.undone[0] as RewriteRecord;
    throw new UsageError(
      `${first.file} ${current(first.file) === null ? 'is gone' : 'changed'} since mcp-gateway rewrote it (${newest.at}); restoring would lose that. Nothing was restored. Look at it, then pass --force to put back ${backups.path(newest)} anyway`,
    );
  }
  const home_ = homedir();
  for (const plan of plans) {
    const oldest = plan.undone[plan.undone.length - 1] as RewriteRecord;
    const now = current(plan.file);
    if (plan.changed && now !== null) {
      // --force: the edits made since the rewrite are kept in a backup too.
      const saved = backups.save(oldest.client, plan.file, now, backups.read(oldest), oldest.mode);
      backups.forget([saved]);
      say(`saved the current ${tildePath(plan.file, home_)} as ${backups.path(saved)}`);
    }
    const target = existsSync(plan.file) ? realpathSync(plan.file) : plan.file;
    writeAtomic(target, backups.read(oldest), { mode: oldest.mode });
    backups.forget(plan.undone);
    say(`restored ${tildePath(plan.file, home_)} (${ADAPTERS[oldest.client].label}) as it was before ${oldest.at}`);
  }
  say('The imported servers stay registered in mcp.json; remove one with: mcp-gateway server remove <name>');
}
