// PEM private keys (redaction.md §2.5): from the BEGIN line to the matching
// END line, whether the line breaks are real (a parsed JSON string) or the
// two characters `\n` (JSON-escaped text, invalid bodies, logs).
//
// Done with indexOf instead of one `BEGIN[\s\S]*?END` regex: that lazy regex
// rescans to the end of the input for every BEGIN without an END, which is
// quadratic on a tool result full of BEGIN lines.
import type { Finding, Scanner } from './types.js';

const BEGIN =
  /-----BEGIN ?((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?)PRIVATE KEY( BLOCK)?-----/g;

/** Base64 body, whitespace, escaped line breaks and legacy `Proc-Type:`/`DEK-Info:` headers. */
function isBodyChar(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x3a) || // 0-9 and ':'
    c === 0x2b || c === 0x2f || c === 0x3d || // + / =
    c === 0x2c || c === 0x2d || // , -
    c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || // whitespace
    c === 0x5c // backslash of an escaped \n
  );
}

/** A BEGIN line followed by fewer body characters than this is prose, not a key. */
const MIN_BODY = 16;

export function pemScanner(priority: number): Scanner {
  return (s: string, out: Finding[]): void => {
    if (!s.includes('-----BEGIN')) return;
    // Where each END marker next occurs (-1: nowhere after the last search),
    // so many BEGINs without an END cost one search, not one each.
    const nextEnd = new Map<string, number>();
    BEGIN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = BEGIN.exec(s)) !== null) {
      const start = m.index;
      const headerEnd = start + m[0].length;
      const endMarker = `-----END ${m[1] ?? ''}PRIVATE KEY${m[2] ?? ''}-----`;
      let endAt = nextEnd.get(endMarker);
      if (endAt === undefined || (endAt !== -1 && endAt < headerEnd)) {
        endAt = s.indexOf(endMarker, headerEnd);
        nextEnd.set(endMarker, endAt);
      }
      let end: number;
      if (endAt !== -1) {
        end = endAt + endMarker.length;
      } else {
        // Truncated or cut key: mask the body that follows the header.
        end = headerEnd;
        while (end < s.length && isBodyChar(s.charCodeAt(end))) end++;
        if (end - headerEnd < MIN_BODY) continue;
      }
      out.push({ start, end, rule: 'pem-private-key', priority });
      BEGIN.lastIndex = end;
    }
  };
}
