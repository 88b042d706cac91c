// createRedactor: wires the layers of redaction.md §2 together. Everything is
// compiled here, once; the per-message path only runs precompiled scanners.
import { classifyHeader, maskDeniedHeader, type HeaderClass } from './headers.js';
import { extraPatternsScanner } from './extra-patterns.js';
import { keyTextScanner } from './key-text.js';
import { createKeyMatcher } from './keys.js';
import { knownValuesScanner } from './known-values.js';
import { bearerScanner, jwtScanner, queryParamScanner, urlCredentialsScanner } from './patterns.js';
import { pemScanner } from './pem.js';
import { providerScanner } from './provider-rules.js';
import { PRIORITY, sortedRules, splice } from './ranges.js';
import { TooDeepError, walkJson } from './walk.js';
import type { Finding, Redacted, RedactionMode, Redactor, RedactorOptions, Scanner } from './types.js';

export const DEFAULT_MAX_SCAN_CHARS = 1_000_000;
export const METADATA_ONLY_BODY = '{"redacted":"metadata-only"}';
export const TOO_DEEP_BODY = '{"redacted":"too-deep"}';

const MODES: readonly RedactionMode[] = ['default', 'off', 'metadata-only'];

/** Strings up to this long have their scan remembered, up to this many of them. */
const MEMO_MAX_CHARS = 512;
const MEMO_ENTRIES = 4096;

export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const mode = opts.mode ?? 'default';
  if (!MODES.includes(mode)) throw new Error(`Unknown redaction mode: ${String(mode)}`);
  const maxScanChars = opts.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS;
  if (!Number.isInteger(maxScanChars) || maxScanChars <= 0) {
    throw new Error(`maxScanChars must be a positive integer, got ${String(maxScanChars)}`);
  }
  const extraKeys = opts.extraKeys ?? [];
  const isDenied = createKeyMatcher(extraKeys);

  const known = knownValuesScanner(opts.knownSecrets ?? []);
  // Order is priority: when findings start at the same index, the earlier detector names the marker.
  const own = [
    pemScanner,
    jwtScanner,
    urlCredentialsScanner,
    queryParamScanner,
    bearerScanner,
  ].map((make, i) => make(PRIORITY.own + i));
  const patternLayers: Scanner[] = [
    providerScanner(),
    ...own,
    keyTextScanner(isDenied, PRIORITY.own + own.length),
  ];
  const extra = extraPatternsScanner(opts.extraPatterns ?? []);
  if (extra !== null) patternLayers.push(extra);

  /** All text layers on one string; the same string back when nothing matched. */
  const scanString = (s: string, rules: Set<string>): string => {
    const findings: Finding[] = [];
    known?.(s, findings);
    const scanned = s.length > maxScanChars ? s.slice(0, maxScanChars) : s;
    for (const layer of patternLayers) layer(scanned, findings);
    const result = splice(s, findings);
    if (result === null) return s;
    for (const r of result.rules) rules.add(r);
    return result.text;
  };

  const text = (s: string): Redacted<string> => {
    if (mode === 'off') return { value: s, rules: [] };
    const rules = new Set<string>();
    const value = scanString(s, rules);
    return { value, rules: sortedRules(rules) };
  };

  // Most strings of a message recur on every call (methods, keys, tool names,
  // enum values, user agents, configured credentials): remember the scans of
  // short ones. Bounded in count and length, so at most a few MB; a secret
  // kept here is one this redactor was configured with or has already seen.
  const memo = new Map<string, { value: string; rules: string[] }>();
  const scanShort = (value: string, rules: Set<string>): string => {
    if (value.length > MEMO_MAX_CHARS) return scanString(value, rules);
    let hit = memo.get(value);
    if (!hit) {
      const found = new Set<string>();
      hit = { value: scanString(value, found), rules: [...found] };
      memo.set(value, hit);
      if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
    }
    for (const rule of hit.rules) rules.add(rule);
    return hit.value;
  };

  // Names recur even more than values; what a header name is kept, masked or scanned for never changes.
  const headerClass = new Map<string, HeaderClass>();
  const classOf = (name: string): HeaderClass => {
    let kind = headerClass.get(name);
    if (kind === undefined) {
      kind = classifyHeader(name);
      if (headerClass.size < MEMO_ENTRIES) headerClass.set(name, kind);
    }
    return kind;
  };

  const headers = (h: Record<string, string>): Redacted<Record<string, string>> => {
    if (mode === 'off') return { value: { ...h }, rules: [] };
    const rules = new Set<string>();
    const one = (name: string, value: unknown): unknown => {
      // Node's IncomingHttpHeaders has `set-cookie: string[]`; mask each item
      // rather than pass an array through untouched.
      if (Array.isArray(value)) return value.map((item: unknown) => one(name, item));
      if (typeof value !== 'string') return value;
      const kind = classOf(name);
      if (kind === 'keep') return value;
      if (kind === 'deny') {
        const masked = maskDeniedHeader(name, value);
        if (masked !== value) rules.add('header');
        return masked;
      }
      return scanShort(value, rules);
    };
    const out: Record<string, string> = {};
    for (const name of Object.keys(h)) {
      // Strings in, strings out; only a caller breaking the type gets arrays back.
      const value = one(name, h[name]) as string;
      // A header literally named `__proto__` stays an own property.
      if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      else out[name] = value;
    }
    return { value: out, rules: rules.size === 0 ? [] : sortedRules(rules) };
  };

  const message = (raw: string, parsed?: unknown): Redacted<string> => {
    if (mode === 'off') return { value: raw, rules: [] };
    if (mode === 'metadata-only') return { value: METADATA_ONLY_BODY, rules: ['metadata-only'] };
    let root: unknown = parsed;
    if (root === undefined) {
      try {
        root = JSON.parse(raw);
      } catch {
        return text(raw);
      }
    }
    const rules = new Set<string>();
    let redacted: unknown;
    try {
      redacted = walkJson(root, isDenied, scanShort, rules);
    } catch (e) {
      // Fail closed: a pathologically nested body is not stored.
      if (e instanceof TooDeepError) return { value: TOO_DEEP_BODY, rules: ['too-deep'] };
      throw e;
    }
    if (rules.size === 0) return { value: raw, rules: [] };
    return { value: JSON.stringify(redacted), rules: sortedRules(rules) };
  };

  // The text layers already include URL userinfo and secret query
  // parameters; a URL also gets known values and provider tokens (keys
  // embedded in paths, Slack webhook URLs).
  const url = (u: string): Redacted<string> => text(u);

  return { mode, headers, message, text, url };
}
