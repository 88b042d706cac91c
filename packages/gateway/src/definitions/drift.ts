// How one version of a list differs from another, as facts (which entry,
// which field, before and after). What a change means, and how bad it is, is
// for the alert rules to say (alerts/).
import diff from 'microdiff';
import type { DefinitionEntry, DefinitionKind } from '../types.js';
import { bodyHash, isObject, type CanonicalList, type Json } from './canonical.js';

export type SchemaField = 'inputSchema' | 'outputSchema' | 'arguments' | 'capabilities';

export type DefinitionChange =
  | { type: 'added'; kind: DefinitionKind; key: string; entry: DefinitionEntry }
  | { type: 'removed'; kind: DefinitionKind; key: string; entry: DefinitionEntry }
  /** The same definition under another name (or URI): `key` is the new one. */
  | { type: 'renamed'; kind: DefinitionKind; key: string; from: DefinitionEntry; entry: DefinitionEntry }
  /** A text the agent reads: a description, a title, the server's instructions. */
  | { type: 'text'; kind: DefinitionKind; key: string; field: 'description' | 'title' | 'instructions'; before: string | null; after: string | null; entry: DefinitionEntry }
  /** One JSON path inside a schema (or a prompt's arguments, or the server's capabilities). */
  | { type: 'schema'; kind: DefinitionKind; key: string; field: SchemaField; path: Array<string | number>; before: Json | undefined; after: Json | undefined; entry: DefinitionEntry }
  /** One annotation; `unsafe` when it now claims less safety: readOnlyHint true → false, destructiveHint false → true (on a tool that is not read-only). */
  | { type: 'annotation'; kind: DefinitionKind; key: string; name: string; before: Json | undefined; after: Json | undefined; unsafe: boolean; entry: DefinitionEntry }
  /** Anything else: icons, _meta, mimeType, serverInfo. */
  | { type: 'metadata'; kind: DefinitionKind; key: string; field: string; before: Json | undefined; after: Json | undefined; entry: DefinitionEntry };

const TEXT_FIELDS = ['description', 'title', 'instructions'] as const;
const SCHEMA_FIELDS: readonly SchemaField[] = ['inputSchema', 'outputSchema', 'arguments', 'capabilities'];

/** Changes from `before` to `after` (two versions of the same kind of list), in a stable order. */
export function compareLists(before: CanonicalList, after: CanonicalList): DefinitionChange[] {
  const kind = after.kind;
  const old = new Map(before.entries.map((e) => [e.key, e]));
  const now = new Map(after.entries.map((e) => [e.key, e]));
  const changes: DefinitionChange[] = [];
  const removed = before.entries.filter((e) => !now.has(e.key));
  const added = after.entries.filter((e) => !old.has(e.key));

  // A removed entry whose body reappears under a new name is a rename.
  const removedByBody = new Map<string, DefinitionEntry[]>();
  for (const entry of removed) removedByBody.set(bodyHash(entry), [...(removedByBody.get(bodyHash(entry)) ?? []), entry]);
  const renamedFrom = new Set<DefinitionEntry>();
  for (const entry of added) {
    const candidates = removedByBody.get(bodyHash(entry));
    const from = candidates?.shift();
    if (from) {
      renamedFrom.add(from);
      changes.push({ type: 'renamed', kind, key: entry.key, from, entry });
    } else changes.push({ type: 'added', kind, key: entry.key, entry });
  }
  for (const entry of removed) if (!renamedFrom.has(entry)) changes.push({ type: 'removed', kind, key: entry.key, entry });

  for (const entry of after.entries) {
    const previous = old.get(entry.key);
    if (previous && previous.hash !== entry.hash) changes.push(...compareEntries(kind, previous, entry));
  }
  return changes;
}

/** Field by field, for two versions of one entry. */
export function compareEntries(kind: DefinitionKind, before: DefinitionEntry, after: DefinitionEntry): DefinitionChange[] {
  const a = before.definition as Record<string, Json | undefined>;
  const b = after.definition as Record<string, Json | undefined>;
  const key = after.key;
  const changes: DefinitionChange[] = [];
  const same = (x: Json | undefined, y: Json | undefined): boolean => JSON.stringify(x) === JSON.stringify(y);
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const field of TEXT_FIELDS) {
    fields.delete(field);
    if (same(a[field], b[field])) continue;
    changes.push({ type: 'text', kind, key, field, before: textOf(a[field]), after: textOf(b[field]), entry: after });
  }
  for (const field of SCHEMA_FIELDS) {
    fields.delete(field);
    if (same(a[field], b[field])) continue;
    const x = a[field];
    const y = b[field];
    if ((isObject(x) || Array.isArray(x)) && (isObject(y) || Array.isArray(y)) && Array.isArray(x) === Array.isArray(y)) {
      for (const d of diff(x, y)) {
        changes.push({
          type: 'schema',
          kind,
          key,
          field,
          path: d.path,
          before: d.type === 'CREATE' ? undefined : (d.oldValue as Json),
          after: d.type === 'REMOVE' ? undefined : (d.value as Json),
          entry: after,
        });
      }
    } else changes.push({ type: 'schema', kind, key, field, path: [], before: x, after: y, entry: after });
  }
  fields.delete('annotations');
  if (kind === 'tools' || !same(a.annotations, b.annotations)) changes.push(...annotationChanges(kind, key, a.annotations, b.annotations, after));
  for (const field of [...fields].sort()) {
    if (!same(a[field], b[field])) changes.push({ type: 'metadata', kind, key, field, before: a[field], after: b[field], entry: after });
  }
  return changes;
}

function annotationChanges(kind: DefinitionKind, key: string, before: Json | undefined, after: Json | undefined, entry: DefinitionEntry): DefinitionChange[] {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const changes: DefinitionChange[] = [];
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (JSON.stringify(a[name]) === JSON.stringify(b[name])) continue;
    const unsafe =
      kind === 'tools' &&
      ((name === 'readOnlyHint' && a[name] === true && b[name] === false) ||
        (name === 'destructiveHint' && a[name] === false && b[name] === true && b.readOnlyHint !== true));
    changes.push({ type: 'annotation', kind, key, name, before: a[name], after: b[name], unsafe, entry });
  }
  return changes;
}

function textOf(value: Json | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
