// Exact values the gateway already holds (redaction.md §2.3): the most
// precise layer. Each value is matched raw and in the encodings it is likely
// to be re-emitted in by a server or an error message.
import { Buffer } from 'node:buffer';
import { PRIORITY } from './ranges.js';
import type { Finding, Scanner } from './types.js';

/** Shorter values (`true`, `1`, `prod`) would be scrubbed everywhere. */
export const MIN_KNOWN_LENGTH = 8;

const AUTH_PREFIX = /^(bearer|basic|token)[ \t]+(\S.*)$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The value itself plus the credentials inside an `Authorization`-style value. */
function expand(value: string): string[] {
  const out = [value];
  const trimmed = value.trim();
  if (trimmed !== value) out.push(trimmed);
  const m = AUTH_PREFIX.exec(trimmed);
  const scheme = m?.[1];
  const rest = m?.[2];
  if (scheme !== undefined && rest !== undefined) {
    out.push(rest);
    if (scheme.toLowerCase() === 'basic') {
      // `Basic base64(user:pass)`: the decoded pair and the password alone may show up in errors.
      const decoded = BASE64.test(rest) ? Buffer.from(rest, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (colon > 0 && !decoded.includes('\uFFFD')) out.push(decoded, decoded.slice(colon + 1));
    }
  }
  return out;
}

function encodings(v: string): string[] {
  const b64 = Buffer.from(v, 'utf8').toString('base64');
  const b64url = Buffer.from(v, 'utf8').toString('base64url');
  const uri = encodeURIComponent(v);
  return [
    v,
    uri,
    uri.replace(/%20/g, '+'), // form encoding
    b64,
    b64.replace(/=+$/, ''),
    b64url,
    JSON.stringify(v).slice(1, -1),
  ];
}

/** All variants, deduplicated, longest first (so a longer secret wins over one it contains). */
export function knownVariants(values: readonly string[]): string[] {
  const set = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    for (const v of expand(value)) {
      if (v.length < MIN_KNOWN_LENGTH) continue;
      for (const e of encodings(v)) if (e.length >= MIN_KNOWN_LENGTH) set.add(e);
    }
  }
  return [...set].sort((a, b) => b.length - a.length);
}

export function knownValuesScanner(values: readonly string[]): Scanner | null {
  const variants = knownVariants(values);
  if (variants.length === 0) return null;
  return (s: string, out: Finding[]): void => {
    for (const v of variants) {
      let i = s.indexOf(v);
      while (i !== -1) {
        out.push({ start: i, end: i + v.length, rule: 'known-value', priority: PRIORITY.knownValue });
        i = s.indexOf(v, i + v.length);
      }
    }
  };
}
