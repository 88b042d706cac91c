// Server changes for the audit log, found by comparing the registry before and
// after each reload. That one place sees every change however it was made:
// the API, the CLI (which writes mcp.json itself), or an editor.
import type { ResolvedServer } from '../registry/registry.js';
import type { AuditDetail, AuditEvent } from './audit.js';

export interface ServerChange {
  event: Extract<AuditEvent, 'server.added' | 'server.changed' | 'server.removed'>;
  name: string;
  /** The transport, and for a change the names of the entry's keys that changed: never their values (headers and env hold secrets). */
  detail: AuditDetail;
}

/** What differs between two registry snapshots, by server name. */
export function diffServers(before: ReadonlyMap<string, ResolvedServer>, after: ReadonlyMap<string, ResolvedServer>): ServerChange[] {
  const changes: ServerChange[] = [];
  for (const [name, server] of after) {
    const old = before.get(name);
    if (!old) {
      changes.push({ event: 'server.added', name, detail: { transport: server.transport } });
      continue;
    }
    const fields = changedKeys(old.entry, server.entry);
    if (fields.length > 0) changes.push({ event: 'server.changed', name, detail: { transport: server.transport, fields } });
  }
  for (const [name, server] of before) {
    if (!after.has(name)) changes.push({ event: 'server.removed', name, detail: { transport: server.transport } });
  }
  return changes;
}

function changedKeys(a: object, b: object): string[] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter((key) => canonical(left[key]) !== canonical(right[key])).sort();
}

/** JSON with object keys sorted, so a rewrite that only reorders keys is no change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
