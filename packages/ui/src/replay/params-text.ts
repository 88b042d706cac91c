// What the params editor says about its text, as the user types: syntax
// errors with line and column, fields the recorded schema refuses, and
// values that still hold a redaction marker (the stored copy had a secret
// there; the gateway never sends a marker upstream). Each finding carries
// the text range it is about, so the editor can mark it and jump to it.
import { parse, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ServerCatalog } from './catalog.js';
import { formatPath, jsonTree, lineColumn, locate, parsePath, type Segment, type TextRange } from './json-path.js';
import { checkParams } from './schema-check.js';

/** The marker the gateway's redactor writes in place of a secret. */
export const REDACTION_MARKER = /\[REDACTED:[A-Za-z0-9._-]+\]/g;

export interface Finding {
  kind: 'syntax' | 'schema' | 'secret';
  /** JSON path of the field; null for a syntax error. */
  path: string | null;
  message: string;
  range: TextRange | null;
  /** 1-based, for "line 3". */
  line: number | null;
}

export interface ParamsAnalysis {
  /** The parsed params, when the text is valid JSON. */
  value: unknown;
  valid: boolean;
  findings: Finding[];
  /** What could not be checked (no recorded schema for this tool). */
  notes: string[];
  /** What the params were checked against, in words, or null. */
  checked: string | null;
}

const SYNTAX_WORDS: Record<string, string> = {
  InvalidSymbol: 'this is not JSON here',
  InvalidNumberFormat: 'not a valid number',
  PropertyNameExpected: 'expected a "quoted" field name',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon (:) after the field name',
  CommaExpected: 'expected a comma between the items',
  CloseBraceExpected: 'expected a closing brace (})',
  CloseBracketExpected: 'expected a closing bracket (])',
  EndOfFileExpected: 'unexpected text after the end of the JSON',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed (missing ")',
  UnexpectedEndOfNumber: 'a number ends too early',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape (use \\\\ for a backslash)',
  InvalidCharacter: 'a control character (a raw line break?) inside a string',
};

/** Paths of string values holding a redaction marker, with the marker's range in the text. */
function markerFindings(value: unknown, text: string, tree: Node | undefined): Finding[] {
  const findings: Finding[] = [];
  const walk = (node: unknown, path: Segment[]): void => {
    if (typeof node === 'string') {
      REDACTION_MARKER.lastIndex = 0;
      if (!REDACTION_MARKER.test(node)) return;
      const range = locate(tree, path);
      let marked = range;
      if (range) {
        REDACTION_MARKER.lastIndex = 0;
        const inText = REDACTION_MARKER.exec(text.slice(range.offset, range.offset + range.length));
        if (inText) marked = { offset: range.offset + inText.index, length: inText[0].length };
      }
      findings.push({
        kind: 'secret',
        path: formatPath(path),
        message: 'holds a masked secret: type the real value in place of the [REDACTED:…] marker',
        range: marked,
        line: marked ? lineColumn(text, marked.offset).line : null,
      });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...path, i]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) walk(item, [...path, key]);
    }
  };
  walk(value, []);
  return findings;
}

export function analyzeParams(text: string, method: string, catalog: ServerCatalog | undefined): ParamsAnalysis {
  if (text.trim() === '') {
    return { value: undefined, valid: false, findings: [{ kind: 'syntax', path: null, message: 'empty: type {} to send no params', range: null, line: 1 }], notes: [], checked: null };
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const findings = errors.slice(0, 5).map((error): Finding => {
      const { line, column } = lineColumn(text, error.offset);
      const code = printParseErrorCode(error.error);
      return { kind: 'syntax', path: null, message: `column ${column}: ${SYNTAX_WORDS[code] ?? code}`, range: { offset: error.offset, length: Math.max(1, error.length) }, line };
    });
    return { value: undefined, valid: false, findings, notes: [], checked: null };
  }
  const tree = jsonTree(text);
  const check = checkParams(method, value, catalog);
  const findings: Finding[] = check.problems.map((problem) => {
    const segments = parsePath(problem.path) ?? [];
    // A missing field has no text of its own: point at the object it belongs in.
    const exact = locate(tree, segments);
    const parent = exact ?? locate(tree, segments, true);
    const range = exact ?? (parent ? { offset: parent.offset, length: 1 } : null);
    return { kind: 'schema', path: problem.path, message: problem.message, range, line: range ? lineColumn(text, range.offset).line : null };
  });
  findings.push(...markerFindings(value, text, tree));
  return { value, valid: true, findings, notes: check.notes, checked: check.checked };
}
