import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { EntryEdit } from './types.js';

/** A client file that cannot be used; the message names the file, the problem and the fix. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

export interface DocumentEdit {
  container: string[];
  name: string;
  edit: EntryEdit;
}

/** A parsed client file that can be edited in place: everything an edit does not touch stays byte for byte. */
export interface ConfigDocument {
  value: Record<string, unknown>;
  edit(edits: DocumentEdit[]): string;
}

const BOM = '\uFEFF';

/** Where an offset is, as editors count: line and column from 1. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * JSON, and JSON with comments and trailing commas (VS Code, Zed): parsed and
 * edited with jsonc-parser, the library VS Code edits its own settings with,
 * so comments, formatting and unknown keys survive a rewrite.
 */
export function jsonDocument(file: string, source: string, label: string): ConfigDocument {
  const bom = source.startsWith(BOM) ? BOM : '';
  const text = source.slice(bom.length);
  const errors: ParseError[] = [];
  const value: unknown = text.trim() === '' ? {} : parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    throw new ConfigFileError(
      `${file} is not valid JSON (${printParseErrorCode(first.error)} at ${lineColumn(text, first.offset)}); fix it in ${label} or an editor and run again, nothing was changed`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigFileError(`${file} must hold a JSON object ({...}); fix it in ${label} or an editor and run again, nothing was changed`);
  }
  return {
    value: value as Record<string, unknown>,
    edit: (edits) => {
      let result = text;
      for (const { container, name, edit } of edits) result = editEntry(result, [...container, name], edit);
      return bom + result;
    },
  };
}

/**
 * One entry's edit, done so the rest of the file keeps its bytes: values
 * replaced in place, new keys inserted where the first removed key was (so a
 * "url" takes the place of "command") in the entry's own layout, then the
 * removed keys cut out by jsonc-parser. No reformatting: jsonc-parser's
 * formatter would re-lay whole lines around an edit.
 */
function editEntry(source: string, path: string[], edit: EntryEdit): string {
  let text = source;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const entry = (): Node => {
    const node = findNodeAtLocation(parseTree(text, [], { allowTrailingComma: true }) as Node, path);
    if (node?.type !== 'object') throw new ConfigFileError(`cannot find "${path.join('.')}" to rewrite`);
    return node;
  };
  const keyOf = (property: Node): string => String(property.children?.[0]?.value);
  let anchor = entry().children?.find((p) => edit.remove.includes(keyOf(p))) ?? entry().children?.at(-1);
  let anchorKey = anchor ? keyOf(anchor) : undefined;
  for (const [key, next] of Object.entries(edit.set)) {
    const object = entry();
    const existing = object.children?.find((p) => keyOf(p) === key)?.children?.[1];
    if (existing) {
      text = text.slice(0, existing.offset) + oneLine(next) + text.slice(existing.offset + existing.length);
      continue;
    }
    anchor = object.children?.find((p) => keyOf(p) === anchorKey);
    const member = `${JSON.stringify(key)}: ${oneLine(next)}`;
    if (!anchor) {
      // An empty object: the member goes inside the braces.
      text = `${text.slice(0, object.offset + 1)} ${member} ${text.slice(object.offset + 1)}`;
    } else {
      const at = anchor.offset + anchor.length;
      const lineStart = text.lastIndexOf('\n', anchor.offset - 1) + 1;
      const multiLine = text.lastIndexOf('\n', anchor.offset - 1) > object.offset;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
      text = `${text.slice(0, at)},${multiLine ? `${eol}${indent}` : ' '}${member}${text.slice(at)}`;
    }
    anchorKey = key;
  }
  for (const key of edit.remove) {
    const members = entry().children ?? [];
    const i = members.findIndex((p) => keyOf(p) === key);
    const member = members[i];
    if (!member) continue;
    const next = members[i + 1];
    const previous = members[i - 1];
    // Up to the next member (its comma and a comment on its line go with it), else from the previous member's end.
    if (next) text = text.slice(0, member.offset) + text.slice(next.offset);
    else if (previous) text = text.slice(0, previous.offset + previous.length) + text.slice(member.offset + member.length);
    else text = text.slice(0, member.offset) + text.slice(member.offset + member.length);
  }
  return text;
}

/** A value on one line, spaced as people write it: ["a", "b"], { "k": "v" }. */
function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`);
    return members.length ? `{ ${members.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}
