// JSON paths as the gateway writes them in a diff or a redacted_params error
// (`$.result.content[0].text`, `$["a key"]`), and where such a path sits in a
// JSON text, so the editor and the diff view can point at the exact field.
// Paths are written by the gateway's own formatPath, so both sides agree on them.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { formatPath, type PathStep } from '@mcp-gateway/gateway/replay-shared';

export { formatPath };
export type Segment = PathStep;

/** `$.a.b[0]["c d"]` → ['a', 'b', 0, 'c d']; null when the text is not such a path. */
export function parsePath(path: string): Segment[] | null {
  if (!path.startsWith('$')) return null;
  const segments: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path.charAt(i);
    if (ch === '.') {
      const match = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!match) return null;
      segments.push(match[0]);
      i += 1 + match[0].length;
    } else if (ch === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/.exec(rest);
      if (index?.[1] !== undefined) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted?.[1] !== undefined) {
        const literal = quoted[1];
        try {
          segments.push(literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.slice(1, -1).replace(/\\(.)/g, '$1'));
        } catch {
          return null;
        }
        i += quoted[0].length;
      } else {
        return null;
      }
    } else {
      return null;
    }
  }
  return segments;
}

/** Whether `path` is `ancestor` or lies beneath it. */
export function isWithin(path: readonly Segment[], ancestor: readonly Segment[]): boolean {
  return ancestor.length <= path.length && ancestor.every((segment, i) => segment === path[i]);
}

export interface TextRange {
  offset: number;
  length: number;
}

/** The parsed tree of a JSON text, for several lookups in it. */
export function jsonTree(text: string): Node | undefined {
  return parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
}

/**
 * Where the value at `segments` is written in the text (the property's value;
 * for a missing property, its parent object), or null.
 */
export function locate(tree: Node | undefined, segments: readonly Segment[], fallbackToParent = false): TextRange | null {
  if (!tree) return null;
  for (let depth = segments.length; depth >= 0; depth--) {
    const node = findNodeAtLocation(tree, segments.slice(0, depth) as Segment[]);
    if (node) return { offset: node.offset, length: node.length };
    if (!fallbackToParent) return null;
  }
  return null;
}

/** 0-based line numbers of the first and last character of a range. */
export function linesOf(text: string, range: TextRange): [number, number] {
  const lineAt = (offset: number): number => {
    let line = 0;
    for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  return [lineAt(range.offset), lineAt(range.offset + Math.max(0, range.length - 1))];
}

/** 1-based line and column of an offset, as an editor shows them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
