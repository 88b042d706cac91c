// Full-text search input. The user's `q` is literal text, never FTS5 syntax:
// each whitespace-separated term becomes a quoted phrase (a `"` inside is
// doubled), and the phrases are ANDed. So `"`, `*`, `-`, `OR`, `NEAR`,
// parentheses and SQL metacharacters are just characters to look for.
// The index tokenizes on letters and digits (unicode61): a term made only of
// punctuation has nothing to match and is dropped.

const WORD = /[\p{L}\p{N}]/u;

/** The FTS5 MATCH expression for `q`, or null when it holds no searchable word (which matches nothing). */
export function ftsMatchExpression(q: string): string | null {
  const phrases = q
    .split(/\s+/)
    .filter((term) => WORD.test(term))
    .map((term) => `"${term.replaceAll('"', '""')}"`);
  return phrases.length === 0 ? null : phrases.join(' AND ');
}
