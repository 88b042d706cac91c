import type { Finding } from './types.js';

/** The fixed marker format of the product spec. */
export function marker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

/** Layer priorities: when two detectors claim the same range, the more precise one names it. */
export const PRIORITY = {
  knownValue: 0,
  provider: 10,
  own: 20, // + index in the own-pattern list
  extra: 40,
  scanError: 50,
} as const;

export interface Spliced {
  text: string;
  /** Rule ids of the markers written (winners only), unsorted, unique. */
  rules: Set<string>;
}

/**
 * Merge overlapping findings and replace each merged range with one marker.
 * The first finding of a group (earliest start, then most precise layer,
 * then longest) names the marker, so `Bearer <jwt>` becomes
 * `Bearer [REDACTED:jwt]`; the masked range is the union of the group.
 * Touching ranges stay separate. Returns null when there is nothing to mask.
 */
export function splice(s: string, findings: Finding[]): Spliced | null {
  if (findings.length === 0) return null;
  findings.sort((a, b) => a.start - b.start || a.priority - b.priority || b.end - a.end);
  const rules = new Set<string>();
  let out = '';
  let pos = 0;
  let i = 0;
  while (i < findings.length) {
    const first = findings[i] as Finding;
    let end = first.end;
    i++;
    while (i < findings.length && (findings[i] as Finding).start < end) {
      end = Math.max(end, (findings[i] as Finding).end);
      i++;
    }
    if (end <= first.start) continue;
    out += s.slice(pos, first.start) + marker(first.rule);
    rules.add(first.rule);
    pos = end;
  }
  if (rules.size === 0) return null;
  return { text: out + s.slice(pos), rules };
}

/** Clamp a reported range to `[0, len]`; null when it is empty afterwards. */
export function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  const a = Math.max(0, Math.min(Math.trunc(start), len));
  const b = Math.max(a, Math.min(Math.trunc(end), len));
  return b > a ? [a, b] : null;
}

/** Sorted array from a set of rule ids (the `rules` field of every result). */
export function sortedRules(rules: Iterable<string>): string[] {
  return [...new Set(rules)].sort();
}
