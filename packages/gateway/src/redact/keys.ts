// JSON-key denylist (redaction.md §2.2). Keys are normalized (lower-case,
// without `-`, `_`, `.` and spaces) so `api_key`, `API-Key` and `apiKey` are
// the same key, then matched exactly against the list or by suffix for
// compound names. No bare substring match: `keyboard`, `monkey`, `tokenizer`,
// `maxTokens`, `tokenCount` must survive.

const EXACT: readonly string[] = [
  'password', 'passwd', 'pwd', 'secret', 'token', 'accesstoken', 'refreshtoken', 'idtoken',
  'apikey', 'clientsecret', 'privatekey', 'authorization', 'auth', 'cookie', 'session',
  'credential', 'credentials', 'bearer', 'signature', 'ssn', 'creditcard', 'cardnumber', 'csrf',
  // OAuth bodies (Inspector v2 masks these in its Network log).
  'codeverifier', 'clientassertion', 'assertion',
  // Bare `code` is deliberately absent: code-execution tools take
  // `{"code": "print(1)"}` as their main argument and a debugging proxy must
  // show it. OAuth authorization codes travel in query strings and form
  // bodies, where the query-param and key=value text scanners mask `code=`.
  // Add `code` through `extraKeys` to mask it in JSON too.
];

// Compound names: `clientSecret`, `githubToken`, `dbPassword`, `openaiApiKey`,
// `sshPrivateKey`, `secretAccessKey`. `...tokens` (a count) does not end with `token`.
const SUFFIXES: readonly string[] = [
  'token', 'secret', 'password', 'passwd', 'apikey', 'privatekey', 'accesskey', 'credential',
  'credentials', 'cookie', 'authorization',
];

// MCP protocol fields that match a suffix but are not secrets.
const ALLOWED: ReadonlySet<string> = new Set(['progresstoken']);

const SEPARATORS = /[-_. ]/g;

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(SEPARATORS, '');
}

export type KeyMatcher = (key: string) => boolean;

/** Bounded so a server that invents fresh keys cannot grow it forever. */
const CACHE_LIMIT = 4096;

export function createKeyMatcher(extraKeys: readonly string[] = []): KeyMatcher {
  const exact = new Set(EXACT);
  for (const k of extraKeys) {
    const n = normalizeKey(k);
    if (n.length > 0) exact.add(n);
  }
  // Keys repeat constantly (jsonrpc, id, method, params, ...): cache the verdict.
  const cache = new Map<string, boolean>();
  return (key: string): boolean => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const n = normalizeKey(key);
    let denied = exact.has(n);
    if (!denied && !ALLOWED.has(n)) {
      for (const suffix of SUFFIXES) {
        if (n.length > suffix.length && n.endsWith(suffix)) {
          denied = true;
          break;
        }
      }
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, denied);
    return denied;
  };
}
