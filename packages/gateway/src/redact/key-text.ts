// The key denylist applied to text: `"apiKey": "…"` in a tool result that is
// itself JSON, `{\"password\":\"…\"}` in an escaped body, `GITHUB_TOKEN=…`
// in an env dump on stderr, `password: …` in YAML, `Password=…;` in a
// key-value DSN, `Authorization: Bearer …` in a log line. Only the value is
// masked, with the same `key` rule id as the JSON layer.
//
// Anchored on separators (`:` `=` `:=` `=>`), not on every word: prose has
// few of them, so ordinary text costs one fast character-class scan. The
// name is read backwards from the separator (bounded), the value forwards
// with a sticky regex (bounded).
import type { KeyMatcher } from './keys.js';
import type { Finding, Scanner } from './types.js';

const SEPARATOR = /[:=]/g;
const MAX_NAME = 64;

// Quoted values are bounded and their classes exclude the closing quote.
// Unquoted values stop at whitespace, quotes, `,` `;` `&` and brackets, and
// never start with `=` (that is `==`). An auth scheme before the value is kept.
const VALUE = new RegExp(
  String.raw`[ \t]*(?:"((?:[^"\\\r\n]|\\.){0,4096})"|\\"((?:[^"\\\r\n]|\\[^"\r\n]){0,4096})\\"|'([^'\r\n]{0,4096})'|((?:bearer|basic|token)[ \t]+)?([^\s;,'"&<>\\(){}[\]|${'`'}=][^\s;,'"&<>\\(){}[\]|${'`'}]{0,511}))`,
  'iy',
);

/**
 * After `name: ` (prose, YAML, type annotations) a plain word is usually not
 * a secret: `auth: a token`, `session: expires`, `apiKey: string`. There the
 * value must look like a credential: a digit, a symbol, or a capital after
 * the first letter. `=` (env, DSN, query) and JSON-quoted names stay strict.
 */
const CREDENTIAL_SHAPE = /[0-9\-._~+/=$!@#%^*?]|.[A-Z]/;

const JSON_SCALAR = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x5f || c === 0x2d || c === 0x2e // _ - .
  );
}

interface Name {
  text: string;
  quoted: boolean;
}

/** The key name that ends just before `end` (exclusive), or null. */
function nameBefore(s: string, end: number): Name | null {
  let j = end - 1;
  while (j >= 0 && (s[j] === ' ' || s[j] === '\t')) j--;
  if (j < 0) return null;
  const q = s[j];
  if (q === '"' || q === "'") {
    const escaped = q === '"' && s[j - 1] === '\\';
    const close = escaped ? j - 1 : j;
    const floor = Math.max(0, close - MAX_NAME - 2);
    for (let k = close - 1; k >= floor; k--) {
      const c = s[k];
      if (c === '\n' || c === '\r') return null;
      if (c === q) {
        if (escaped !== (s[k - 1] === '\\')) return null;
        const text = s.slice(k + 1, escaped ? close : j);
        return text.length > 0 && !text.includes('\\') ? { text, quoted: true } : null;
      }
    }
    return null;
  }
  let k = j;
  while (k >= 0 && j - k < MAX_NAME && isNameChar(s.charCodeAt(k))) k--;
  if (k >= 0 && isNameChar(s.charCodeAt(k))) return null; // longer than MAX_NAME
  const text = s.slice(k + 1, j + 1);
  const first = text.charCodeAt(0);
  const startsLikeName = (first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x5f;
  return startsLikeName ? { text, quoted: false } : null;
}

export function keyTextScanner(isDenied: KeyMatcher, priority: number): Scanner {
  return (s: string, out: Finding[]): void => {
    SEPARATOR.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SEPARATOR.exec(s)) !== null) {
      const at = m.index;
      let sepEnd = at + 1;
      if (s[at] === ':' && s[at + 1] === '=') sepEnd++; // :=
      else if (s[at] === '=') {
        const prev = s[at - 1];
        if (s[at + 1] === '>') sepEnd++; // =>
        else if (s[at + 1] === '=' || prev === '=' || prev === '!' || prev === '<' || prev === '>') continue;
      } else if (s[at + 1] === '/' && s[at + 2] === '/') continue; // scheme://
      SEPARATOR.lastIndex = sepEnd;
      const name = nameBefore(s, at);
      if (name === null || !isDenied(name.text)) continue;
      VALUE.lastIndex = sepEnd;
      const v = VALUE.exec(s);
      if (v === null) continue;
      const value = v[1] ?? v[2] ?? v[3] ?? v[5] ?? '';
      if (value.length === 0) continue;
      if (v[5] !== undefined) {
        // JSON keeps value types: a number under a secret key stays a number.
        if (name.quoted && JSON_SCALAR.test(value)) continue;
        const colon = s[at] === ':' && sepEnd === at + 1;
        if (colon && !name.quoted && !CREDENTIAL_SHAPE.test(value)) continue;
      }
      const tail = v[5] !== undefined ? 0 : v[2] !== undefined ? 2 : 1; // closing quote
      const valueEnd = v.index + v[0].length - tail;
      out.push({ start: valueEnd - value.length, end: valueEnd, rule: 'key', priority });
      SEPARATOR.lastIndex = valueEnd;
    }
  };
}
