// Public contract of the redaction module. Everything here is synchronous on
// purpose: redaction runs inline on the recording path, before the SQLite
// insert, and must not reorder messages.

export type RedactionMode = 'default' | 'off' | 'metadata-only';

export interface ExtraPattern {
  /** Rule id shown in the marker: `[REDACTED:<id>]`. Letters, digits, `.`, `_`, `-`. */
  id: string;
  /** JavaScript regular expression source. A named group `secret` masks only that group. */
  pattern: string;
  /** RegExp flags; `g` is always added, `y` is not allowed. */
  flags?: string;
}

export interface RedactorOptions {
  /** Default `'default'`. */
  mode?: RedactionMode;
  /** Exact values from the gateway's own config (header values, env values, its own API token). */
  knownSecrets?: string[];
  /** Extra JSON keys to mask, normalized like the built-in list (case, `-`, `_`, `.`, spaces). */
  extraKeys?: string[];
  /** Extra regexes from config, compiled once; an invalid one throws an Error naming it. */
  extraPatterns?: ExtraPattern[];
  /**
   * Per string leaf, the pattern layers (provider rules, own patterns, extra
   * patterns) look only at the first `maxScanChars` characters, so a huge tool
   * result cannot stall the recording path. Known values are still matched in
   * the whole string (plain `indexOf`, linear). Default 1_000_000.
   */
  maxScanChars?: number;
}

export interface Redacted<T> {
  value: T;
  /** Sorted unique rule ids whose markers are in `value`; `[]` when nothing changed. */
  rules: string[];
}

export interface Redactor {
  readonly mode: RedactionMode;
  /** Header map (lower-case names) → masked copy. */
  headers(h: Record<string, string>): Redacted<Record<string, string>>;
  /** One JSON-RPC message text (or batch) → text to store. */
  message(text: string, parsed?: unknown): Redacted<string>;
  /** Free text: stderr lines, error messages, invalid bodies. */
  text(s: string): Redacted<string>;
  /** A URL: userinfo password and secret query parameter values masked. */
  url(u: string): Redacted<string>;
}

/** One range to mask inside a single string. `end` is exclusive. */
export interface Finding {
  start: number;
  end: number;
  rule: string;
  /** Lower wins (names the marker) when two findings start at the same index. */
  priority: number;
}

/** Appends the findings of one detector for `s` to `out`. */
export type Scanner = (s: string, out: Finding[]) => void;
