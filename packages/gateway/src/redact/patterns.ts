// Own patterns (redaction.md §2.5) for what the secretlint preset does not
// cover: JWT, Bearer/Basic credentials in text, URL userinfo, DB URLs and
// secret query parameters. PEM keys live in pem.ts, `key=value` text in
// key-text.ts.
//
// Every regex is linear on adversarial input: matches start only where the
// previous character cannot continue the token (lookbehind), character
// classes exclude the delimiter that follows them, and repeats are bounded.
import type { Finding, Scanner } from './types.js';

/** Header and payload start with `eyJ` (base64 of `{"`); the signature may be empty (`alg: none`). */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

export function jwtScanner(priority: number): Scanner {
  return (s: string, out: Finding[]): void => {
    if (!s.includes('eyJ')) return;
    for (const m of s.matchAll(JWT)) {
      out.push({ start: m.index, end: m.index + m[0].length, rule: 'jwt', priority });
    }
  };
}

// `Bearer`/`Basic`, any case, then a token68 value of at least 8 characters.
const BEARER = /(?<![A-Za-z0-9_-])(?:bearer|basic)[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)(?![A-Za-z0-9\-._~+/=])/gi;
const BEARER_HINT = /bearer|basic/i;
// Prose such as "Basic authentication" is letters only with at most a leading capital.
const CREDENTIAL_SHAPE = /[0-9\-._~+/=]|.[A-Z]/;
// `Bearer resource_metadata="…"` in a challenge is an auth-param, not a token.
const AUTH_PARAM = /^[a-z_]+=$/;

export function bearerScanner(priority: number): Scanner {
  return (s: string, out: Finding[]): void => {
    if (!BEARER_HINT.test(s)) return;
    for (const m of s.matchAll(BEARER)) {
      const token = m[1] ?? '';
      const end = m.index + m[0].length;
      if (!CREDENTIAL_SHAPE.test(token)) continue;
      if (s[end] === '"' && AUTH_PARAM.test(token)) continue;
      out.push({ start: end - token.length, end, rule: 'bearer', priority });
    }
  };
}

const DB_SCHEMES = new Set([
  'postgres', 'postgresql', 'mysql', 'mysqlx', 'mariadb', 'mongodb', 'mongodb+srv', 'redis',
  'rediss', 'valkey', 'amqp', 'amqps', 'mssql', 'sqlserver', 'clickhouse', 'cockroachdb',
  'couchdb', 'neo4j', 'neo4j+s', 'bolt', 'oracle', 'db2', 'snowflake',
]);

// scheme://user:password@ — found from each `://` (a regex starting at every
// letter is ~10x slower on URL-heavy text): the scheme is read backwards
// (≤ 31 characters, must start with a letter), the authority forwards. The
// user stops at `:`, the password runs to the last `@` of the authority
// (unencoded `@` in passwords happens) and never crosses `/ ? #`,
// whitespace, quotes, `<>` or `\`. The match ends at `@`, so a DB URL
// inside a JSON string or prose cannot overrun into the host, the path or
// the next value (the secretlint DB rule does, redaction.md §5).
// `jdbc:mysql://` has the scheme `mysql`.
const AUTHORITY = /([^\s:@/?#"'<>\\]{0,256}):([^\s/?#"'<>\\]{1,512})@/y;
const MAX_SCHEME = 31;

function isSchemeChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2b || c === 0x2e || c === 0x2d // + . -
  );
}

function schemeBefore(s: string, end: number): string | null {
  let k = end - 1;
  while (k >= 0 && end - k <= MAX_SCHEME && isSchemeChar(s.charCodeAt(k))) k--;
  if (k >= 0 && isSchemeChar(s.charCodeAt(k))) return null; // too long
  const first = s.charCodeAt(k + 1);
  const letter = (first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a);
  return k + 1 < end && letter ? s.slice(k + 1, end) : null;
}

/** Masks only the password; scheme, user and host stay readable. DB schemes get `db-url`. */
export function urlCredentialsScanner(priority: number): Scanner {
  return (s: string, out: Finding[]): void => {
    for (let at = s.indexOf('://'); at !== -1; at = s.indexOf('://', at + 3)) {
      const scheme = schemeBefore(s, at);
      if (scheme === null) continue;
      AUTHORITY.lastIndex = at + 3;
      const m = AUTHORITY.exec(s);
      if (m === null) continue;
      const user = m[1] ?? '';
      const password = m[2] ?? '';
      const start = at + 3 + user.length + 1;
      const rule = DB_SCHEMES.has(scheme.toLowerCase()) ? 'db-url' : 'url-userinfo';
      out.push({ start, end: start + password.length, rule, priority });
    }
  };
}

/**
 * Secret query (and fragment, for OAuth implicit flow) parameters: the
 * Cloudflare HAR sanitizer list plus pre-signed URL signatures. Also matches
 * form bodies (`…&code=…`) and the first parameter of a bare query string.
 */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'refresh_token', 'id_token',
  'private_token', 'client_secret', 'client_assertion', 'code', 'code_verifier', 'state',
  'samlresponse', 'samlrequest', 'assertion', 'password', 'passwd', 'secret', 'sig',
  'signature', 'auth', 'session_token', 'x-amz-signature', 'x-amz-security-token',
  'x-goog-signature',
];

const NAMES = SECRET_QUERY_PARAMS.map((p) => p.replace(/-/g, '\\-')).join('|');
const VALUE = String.raw`([^&#\s"'<>\\()[\]{}|${'`'}]+)`;
// Anchored on the delimiter, not a lookbehind at every position (much faster on large text).
const QUERY_PARAM = new RegExp(`[?&#](?:${NAMES})=${VALUE}`, 'gi');
const LEADING_PARAM = new RegExp(`^(?:${NAMES})=${VALUE}`, 'i');

export function queryParamScanner(priority: number): Scanner {
  const push = (index: number, match: string, value: string, out: Finding[]): void => {
    const end = index + match.length;
    out.push({ start: end - value.length, end, rule: 'query-param', priority });
  };
  return (s: string, out: Finding[]): void => {
    if (!s.includes('=')) return;
    const first = LEADING_PARAM.exec(s);
    if (first !== null) push(0, first[0], first[1] ?? '', out);
    for (const m of s.matchAll(QUERY_PARAM)) push(m.index, m[0], m[1] ?? '', out);
  };
}
