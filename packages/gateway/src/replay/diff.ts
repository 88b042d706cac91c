import type { DiffEntry } from '../types.js';
import { formatPath, matchesPattern, type PathPattern, type PathStep } from '../replay-shared/index.js';

export interface DiffOptions {
  /** Paths (and what lies below them) left out of the comparison. */
  ignore?: readonly PathPattern[];
}

/**
 * Compares a recorded JSON-RPC answer with a replayed one, structurally: one
 * entry per changed, added or removed JSON path. The JSON-RPC `id` (a replay
 * sends its own) and every `_meta` (timestamps, trace ids, progress tokens)
 * are left out, so an answer that says the same thing has an empty diff. An
 * error ↔ result flip shows as `$.result` removed and `$.error` added.
 */
export function diffAnswers(before: unknown, after: unknown, options: DiffOptions = {}): DiffEntry[] {
  const out: DiffEntry[] = [];
  const ignore = options.ignore ?? [];
  const skip = (path: PathStep[]): boolean => ignore.some((pattern) => matchesPattern(path, pattern));
  walk(before, after, [], out, skip);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ignoredKey(path: readonly PathStep[], key: string): boolean {
  return key === '_meta' || (path.length === 0 && key === 'id');
}

function walk(before: unknown, after: unknown, path: PathStep[], out: DiffEntry[], skip: (path: PathStep[]) => boolean): void {
  if (skip(path)) return;
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (ignoredKey(path, key)) continue;
      const next = [...path, key];
      if (!Object.hasOwn(after, key)) {
        if (!skip(next)) out.push({ path: formatPath(next), change: 'removed', before: before[key], after: null });
      } else walk(before[key], after[key], next, out, skip);
    }
    for (const key of Object.keys(after)) {
      if (ignoredKey(path, key) || Object.hasOwn(before, key)) continue;
      const next = [...path, key];
      if (!skip(next)) out.push({ path: formatPath(next), change: 'added', before: null, after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) walk(before[i], after[i], [...path, i], out, skip);
    for (let i = common; i < before.length; i++) if (!skip([...path, i])) out.push({ path: formatPath([...path, i]), change: 'removed', before: before[i], after: null });
    for (let i = common; i < after.length; i++) if (!skip([...path, i])) out.push({ path: formatPath([...path, i]), change: 'added', before: null, after: after[i] });
    return;
  }
  if (!Object.is(before, after)) out.push({ path: formatPath(path), change: 'changed', before, after });
}

/** A stored body as JSON, or its text when it is not JSON (cut short, invalid). */
export function bodyValue(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
