import { ParseError, getStaticTOMLValue, parseTOML, type AST } from 'toml-eslint-parser';
import { ConfigFileError, type ConfigDocument, type DocumentEdit } from './json-document.js';

/**
 * Codex's config.toml, edited in place: toml-eslint-parser gives every table
 * and key with its exact range, and only the key-values and sub-tables of the
 * servers being moved are touched. Comments, order and formatting elsewhere
 * stay byte for byte.
 */
export function tomlDocument(file: string, text: string, label: string): ConfigDocument {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (error) {
    if (error instanceof ParseError) {
      throw new ConfigFileError(
        `${file} is not valid TOML (${error.message} at line ${error.lineNumber}, column ${error.column + 1}); fix it in ${label} or an editor and run again, nothing was changed`,
      );
    }
    throw error;
  }
  const value = getStaticTOMLValue(ast) as Record<string, unknown>;
  return { value, edit: (edits) => applyTomlEdits(text, ast, edits) };
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

interface Placed {
  kv: AST.TOMLKeyValue;
  /** The key-value's full path: its table's key, then its own dotted key. */
  path: string[];
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

function startsWith(path: readonly (string | number)[], prefix: readonly string[]): boolean {
  return prefix.every((part, i) => path[i] === part);
}

function applyTomlEdits(text: string, ast: AST.TOMLProgram, edits: DocumentEdit[]): string {
  const top = ast.body[0];
  const tables = top.body.filter((n): n is AST.TOMLTable => n.type === 'TOMLTable');
  const placed: Placed[] = [];
  for (const node of top.body) {
    if (node.type === 'TOMLKeyValue') placed.push({ kv: node, path: keyNames(node.key) });
    else for (const kv of node.body) placed.push({ kv, path: [...node.resolvedKey.map(String), ...keyNames(kv.key)] });
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const splices: Splice[] = [];
  for (const { container, name, edit } of edits) {
    const base = [...container, name];
    const inline = placed.find((p) => p.path.length === base.length && startsWith(p.path, base));
    if (inline && inline.kv.value.type === 'TOMLInlineTable') {
      // `name = { command = "..." }`: an inline table holds no comments; write it anew.
      const current = getStaticTOMLValue(inline.kv.value) as Record<string, unknown>;
      for (const key of edit.remove) delete current[key];
      Object.assign(current, edit.set);
      splices.push({ start: inline.kv.value.range[0], end: inline.kv.value.range[1], text: tomlValue(current) });
      continue;
    }
    const removed = new Set(edit.remove);
    const pending = new Map(Object.entries(edit.set));
    for (const p of placed) {
      if (!startsWith(p.path, base) || p.path.length <= base.length) continue;
      const field = p.path[base.length] ?? '';
      const isDirect = p.path.length === base.length + 1;
      if (pending.has(field) && isDirect) {
        splices.push({ start: p.kv.value.range[0], end: p.kv.value.range[1], text: tomlValue(pending.get(field)) });
        pending.delete(field);
      } else if (removed.has(field) || pending.has(field)) {
        splices.push(wholeLines(text, p.kv.range[0], p.kv.range[1]));
      }
    }
    for (const t of tables) {
      const path = t.resolvedKey.map(String);
      if (path.length > base.length && startsWith(path, base) && (removed.has(path[base.length] ?? '') || pending.has(path[base.length] ?? ''))) {
        splices.push(wholeLines(text, t.range[0], t.range[1]));
      }
    }
    if (pending.size > 0) {
      const lines = [...pending].map(([key, next]) => `${tomlKey(key)} = ${tomlValue(next)}`);
      const own = tables.find((t) => t.resolvedKey.length === base.length && startsWith(t.resolvedKey, base));
      if (own) {
        // Right below the [mcp_servers.<name>] header.
        const at = lineEnd(text, own.key.range[1]);
        splices.push({ start: at, end: at, text: lines.map((l) => `${eol}${l}`).join('') });
      } else {
        // Only dotted keys (`<name>.command = ...` under [mcp_servers]): add beside the first, in the same dotted form.
        const first = placed.find((p) => startsWith(p.path, base) && p.path.length > base.length);
        if (!first) throw new ConfigFileError(`cannot find the table of server "${name}" in the TOML file`);
        const ownDepth = first.path.length - keyNames(first.kv.key).length;
        const prefix = first.kv.key.keys.slice(0, base.length - ownDepth).map((k) => text.slice(k.range[0], k.range[1]));
        const at = lineStart(text, first.kv.range[0]);
        splices.push({ start: at, end: at, text: [...pending].map(([key, next]) => `${[...prefix, tomlKey(key)].join('.')} = ${tomlValue(next)}${eol}`).join('') });
      }
    }
  }
  // A sub-table removed whole also holds key-values that matched: keep only the outer splice.
  // Insertions first where they share a start with a cut, so they land where the cut was.
  splices.sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start));
  const kept: Splice[] = [];
  let cover: Splice | null = null;
  for (const s of splices) {
    const inside = cover !== null && s.start >= cover.start && s.end <= cover.end;
    if (s.start === s.end) {
      if (!inside || s.start === (cover as Splice).start || s.start === (cover as Splice).end) kept.push(s);
      continue;
    }
    if (inside) continue;
    kept.push(s);
    cover = s;
  }
  let result = text;
  for (const s of kept.reverse()) result = result.slice(0, s.start) + s.text + result.slice(s.end);
  return result;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const next = text.indexOf('\n', offset);
  if (next === -1) return text.length;
  return text[next - 1] === '\r' ? next - 1 : next;
}

/** From the start of the first line to after the newline of the last (a trailing comment on it goes too: it spoke of what is removed). */
function wholeLines(text: string, start: number, end: number): Splice {
  const from = lineStart(text, start);
  const next = text.indexOf('\n', end);
  return { start: from, end: next === -1 ? text.length : next + 1, text: '' };
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/** A TOML basic string: JSON's escapes are TOML's, except DEL, which TOML wants escaped. */
function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\x7f/g, '\\u007f');
}

function tomlValue(value: unknown): string {
  if (typeof value === 'string') return tomlString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`);
    return members.length ? `{ ${members.join(', ')} }` : '{}';
  }
  throw new Error(`cannot write ${String(value)} as TOML`);
}
