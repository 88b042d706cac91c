// Recursive walk of a parsed JSON-RPC message (redaction.md §2.2, §3):
// string values under denied keys are replaced whole, every other string
// (values and property names) is scanned and spliced inside itself. Only
// strings change, so JSON stays valid and value types never change.
// Copy-on-write: untouched subtrees are shared, the caller's `parsed` value
// is never mutated, and "nothing changed" is `result === input`.
import { marker } from './ranges.js';
import type { KeyMatcher } from './keys.js';

/** Masks patterns inside one string; returns the same string when nothing matched. */
export type StringScan = (s: string, rules: Set<string>) => string;

/** Far deeper than any real message; well inside Node's default stack. */
export const MAX_DEPTH = 500;

export class TooDeepError extends Error {
  constructor() {
    super(`JSON nesting deeper than ${MAX_DEPTH}`);
  }
}

const KEY_MARK = marker('key');

/**
 * Shorter strings (`2.0`, `text`, `tools/call`) are not scanned: known values
 * and token patterns need at least 8 characters, and a `k=v` this short could
 * hide at most a few characters. Saves most of the per-message cost.
 */
const MIN_SCAN_LENGTH = 8;

export function walkJson(
  root: unknown,
  isDenied: KeyMatcher,
  scan: StringScan,
  rules: Set<string>,
): unknown {
  const visit = (value: unknown, denied: boolean, depth: number): unknown => {
    if (typeof value === 'string') {
      if (denied) {
        if (value.length === 0) return value;
        rules.add('key');
        return KEY_MARK;
      }
      return value.length < MIN_SCAN_LENGTH ? value : scan(value, rules);
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) throw new TooDeepError();
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        // Strings in an array under a denied key (`"credentials": ["…"]`) are masked too.
        const next = visit(item, denied, depth + 1);
        if (next !== item) {
          copy ??= value.slice();
          copy[i] = next;
        }
      }
      return copy ?? value;
    }
    const obj = value as Record<string, unknown>;
    let entries: [string, unknown][] | null = null;
    const keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = obj[key];
      const next = visit(item, isDenied(key), depth + 1);
      // A secret used as a property name (a map keyed by token) is masked too.
      const nextKey = key.length < MIN_SCAN_LENGTH ? key : scan(key, rules);
      if (next !== item || nextKey !== key) {
        entries ??= keys.map((k) => [k, obj[k]]);
        entries[i] = [nextKey, next];
      }
    }
    if (entries === null) return value;
    // Two property names masked to the same marker must not overwrite each other.
    const seen = new Set<string>();
    for (const entry of entries) {
      let k = entry[0];
      for (let n = 2; seen.has(k); n++) k = `${entry[0]} #${n}`;
      seen.add(k);
      entry[0] = k;
    }
    // fromEntries defines own properties, so a `__proto__` key stays data.
    return Object.fromEntries(entries);
  };
  return visit(root, false, 0);
}
