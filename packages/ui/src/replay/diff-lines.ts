// Which lines of the pretty-printed old and new answers a diff touches: the
// side-by-side view marks them, so a changed path is found without reading
// both answers.
import type { DiffEntry } from '@mcp-gateway/gateway/types';
import { jsonTree, linesOf, locate, parsePath } from './json-path.js';

export type Side = 'before' | 'after';

/** The body as the side-by-side shows it: indented JSON, or the text as stored when it is not JSON. */
export function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body) as unknown, null, 2);
  } catch {
    return body;
  }
}

/**
 * 0-based lines of `text` (one side, pretty-printed) that hold a changed value:
 * on the old side what was changed or removed, on the new side what was
 * changed or added.
 */
export function changedLines(text: string, diff: readonly DiffEntry[], side: Side): Set<number> {
  const lines = new Set<number>();
  const tree = jsonTree(text);
  if (!tree) return lines;
  for (const entry of diff) {
    if (side === 'before' ? entry.change === 'added' : entry.change === 'removed') continue;
    const segments = parsePath(entry.path);
    if (!segments) continue;
    const range = locate(tree, segments);
    if (!range) continue;
    // A property's key is on the line where its value starts, so the lines of the value are the lines of the field.
    const [first, last] = linesOf(text, range);
    for (let line = first; line <= last; line++) lines.add(line);
  }
  return lines;
}
